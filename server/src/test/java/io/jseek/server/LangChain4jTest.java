package io.jseek.server;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** LangChain4j's OpenAI chat model pointed at the server gives the same reply as a raw request. */
class LangChain4jTest {
    @Test
    void chatModelCall() throws Exception {
        TestServer ts = TestServer.get();
        ChatModel model = OpenAiChatModel.builder().baseUrl(ts.base + "/v1").apiKey(TestServer.KEY)
                .modelName("deepseek-chat").temperature(0.0).maxTokens(8).maxRetries(0).build();
        String answer = model.chat("What is Java?");

        String body = io.jseek.json.Json.write(Map.of("model", "deepseek-chat", "temperature", 0.0, "max_tokens", 8,
                "messages", List.of(Map.of("role", "user", "content", "What is Java?"))));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ts.base + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + TestServer.KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        @SuppressWarnings("unchecked")
        var msg = (Map<String, Object>) ((Map<String, Object>) ((List<?>) io.jseek.json.Json.parseObject(r.body()).get("choices")).getFirst()).get("message");
        assertEquals(msg.get("content"), answer == null ? "" : answer);
    }
}
