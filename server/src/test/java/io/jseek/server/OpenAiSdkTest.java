package io.jseek.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.jseek.text.ChatMessage;
import io.jseek.text.ChatRequest;
import io.jseek.text.ReasoningEffort;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The official OpenAI Java SDK against the server: the wire format real clients parse. */
class OpenAiSdkTest {
    static TestServer ts;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        ts = TestServer.get();
        client = OpenAIOkHttpClient.builder().baseUrl(ts.base + "/v1").apiKey(TestServer.KEY).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams.Builder params(String user, int maxTokens) {
        return ChatCompletionCreateParams.builder().model("deepseek-v4-flash").addUserMessage(user)
                .temperature(0.0).seed(1L).maxCompletionTokens(maxTokens)
                .putAdditionalBodyProperty("thinking", JsonValue.from(Map.of("type", "disabled")));
    }

    private static int promptTokens(String user, boolean thinking) {
        return ts.engine.countTokens(new ChatRequest(List.of(ChatMessage.user(user)), List.of(), thinking, ReasoningEffort.HIGH, true));
    }

    @Test
    void nonStreamingAndStreamingAgree() {
        ChatCompletion full = client.chat().completions().create(params("Tell me a story", 12).build());
        assertEquals(1, full.choices().size());
        String content = full.choices().getFirst().message().content().orElse("");
        CompletionUsage u = full.usage().orElseThrow();
        assertEquals(promptTokens("Tell me a story", false), u.promptTokens());
        assertTrue(u.completionTokens() >= 1 && u.completionTokens() <= 12);
        assertEquals(u.promptTokens() + u.completionTokens(), u.totalTokens());
        assertEquals(0, u.completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow());
        String finish = full.choices().getFirst().finishReason().asString();
        assertEquals(u.completionTokens() == 12 ? "length" : "stop", finish);

        StringBuilder streamed = new StringBuilder();
        List<CompletionUsage> usages = new ArrayList<>();
        List<String> finishes = new ArrayList<>();
        boolean[] sawRole = {false};
        ChatCompletionCreateParams sp = params("Tell me a story", 12)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(sp)) {
            s.stream().forEach(chunk -> {
                chunk.usage().ifPresent(usages::add);
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    if (c.delta().role().isPresent()) sawRole[0] = true;
                    c.delta().content().ifPresent(streamed::append);
                    c.finishReason().ifPresent(f -> finishes.add(f.asString()));
                }
            });
        }
        assertTrue(sawRole[0], "first delta carries the role");
        assertEquals(content, streamed.toString(), "streamed content equals the non-streaming content");
        assertEquals(List.of(finish), finishes);
        assertFalse(usages.isEmpty());
        CompletionUsage su = usages.getLast();
        assertEquals(u.promptTokens(), su.promptTokens());
        assertEquals(u.completionTokens(), su.completionTokens());
        // the same prompt again: all but its last token come from the prefix cache
        assertEquals(u.promptTokens() - 1, su.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
    }

    @Test
    void thinkingModeReportsReasoningTokens() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("deepseek-reasoner").addUserMessage("Why?").temperature(0.0).maxCompletionTokens(6).build());
        CompletionUsage u = c.usage().orElseThrow();
        assertEquals(promptTokens("Why?", true), u.promptTokens());
        long reasoning = u.completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow();
        assertTrue(reasoning >= 1 && reasoning <= u.completionTokens(), "reasoning tokens " + reasoning);
        Object rc = c.choices().getFirst().message()._additionalProperties().get("reasoning_content");
        assertNotNull(rc, "reasoning_content is present in thinking mode");
    }

    @Test
    void modelsAreListed() {
        List<String> ids = new ArrayList<>();
        client.models().list().data().forEach(m -> ids.add(m.id()));
        assertEquals(List.of("deepseek-v4-flash", "deepseek-chat"), ids);
    }
}
