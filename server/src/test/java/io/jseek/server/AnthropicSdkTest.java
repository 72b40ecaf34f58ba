package io.jseek.server;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import io.jseek.text.ChatMessage;
import io.jseek.text.ChatRequest;
import io.jseek.text.ReasoningEffort;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The official Anthropic Java SDK (what Claude Code's protocol looks like from Java). */
class AnthropicSdkTest {
    static TestServer ts;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        ts = TestServer.get();
        client = AnthropicOkHttpClient.builder().baseUrl(ts.base).apiKey(TestServer.KEY).maxRetries(0).build();
    }

    private static MessageCreateParams.Builder params(int maxTokens) {
        return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(maxTokens)
                .system("You are terse.").addUserMessage("Say something")
                .putAdditionalBodyProperty("temperature", JsonValue.from(0.0));
    }

    private static String text(Message m) {
        StringBuilder b = new StringBuilder();
        for (ContentBlock c : m.content()) c.text().ifPresent(t -> b.append(t.text()));
        return b.toString();
    }

    @Test
    void messageAndStreamAgree() {
        Message m = client.messages().create(params(10).build());
        int prompt = ts.engine.countTokens(new ChatRequest(List.of(ChatMessage.system("You are terse."), ChatMessage.user("Say something")),
                List.of(), false, ReasoningEffort.HIGH, true));
        assertEquals(prompt, m.usage().inputTokens() + m.usage().cacheReadInputTokens().orElse(0L));
        assertTrue(m.usage().outputTokens() >= 1 && m.usage().outputTokens() <= 10);
        String stop = m.stopReason().orElseThrow().asString();
        assertEquals(m.usage().outputTokens() == 10 ? "max_tokens" : "end_turn", stop);

        List<String> events = new ArrayList<>();
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params(10).build())) {
            s.stream().forEach(e -> {
                if (e.isMessageStart()) events.add("message_start");
                if (e.isContentBlockStart()) events.add("content_block_start");
                if (e.isContentBlockDelta()) e.asContentBlockDelta().delta().text().ifPresent(t -> streamed.append(t.text()));
                if (e.isContentBlockStop()) events.add("content_block_stop");
                if (e.isMessageDelta()) {
                    events.add("message_delta");
                    assertEquals(stop, e.asMessageDelta().delta().stopReason().orElseThrow().asString());
                    assertEquals(m.usage().outputTokens(), e.asMessageDelta().usage().outputTokens());
                }
                if (e.isMessageStop()) events.add("message_stop");
            });
        }
        assertEquals(text(m), streamed.toString());
        List<String> expected = text(m).isEmpty()
                ? List.of("message_start", "message_delta", "message_stop")
                : List.of("message_start", "content_block_start", "content_block_stop", "message_delta", "message_stop");
        assertEquals(expected, events);
    }

    @Test
    void thinkingStreamsAThinkingBlockWithSignature() {
        List<String> kinds = new ArrayList<>();
        boolean[] signed = {false};
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params(6).enabledThinking(1024).build())) {
            s.stream().forEach(e -> {
                if (e.isContentBlockStart()) kinds.add(e.asContentBlockStart().contentBlock().isThinking() ? "thinking" : "other");
                if (e.isContentBlockDelta() && e.asContentBlockDelta().delta().isSignature()) signed[0] = true;
            });
        }
        assertEquals("thinking", kinds.getFirst());
        assertTrue(signed[0], "a signature_delta closes the thinking block");
    }

    @Test
    void countTokens() {
        long n = client.messages().countTokens(MessageCountTokensParams.builder().model("claude-opus-4-1")
                .addUserMessage("Say something").build()).inputTokens();
        assertEquals(ts.engine.countTokens(new ChatRequest(List.of(ChatMessage.user("Say something")), List.of(), false,
                ReasoningEffort.HIGH, true)), n);
    }
}
