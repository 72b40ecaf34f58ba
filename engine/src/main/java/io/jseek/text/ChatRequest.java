package io.jseek.text;

import java.util.List;
import java.util.Objects;

/**
 * What the V4 prompt depends on: the messages, request-level tools, thinking mode, reasoning effort and whether
 * old reasoning is dropped ({@code drop_thinking}, the encoder default {@code true}).
 */
public record ChatRequest(List<ChatMessage> messages, List<ToolSpec> tools, boolean thinking,
                          ReasoningEffort effort, boolean dropThinking) {
    public ChatRequest {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        Objects.requireNonNull(effort, "effort");
        if (messages.isEmpty()) throw new IllegalArgumentException("messages must not be empty");
        // "none" effort is the same request as thinking disabled; normalise so the encoder sees one form
        if (effort == ReasoningEffort.NONE) {
            thinking = false;
            effort = ReasoningEffort.HIGH;
        }
    }

    /** DeepSeek's defaults: thinking on, high effort, old reasoning dropped. */
    public static ChatRequest of(List<ChatMessage> messages, List<ToolSpec> tools) {
        return new ChatRequest(messages, tools, true, ReasoningEffort.HIGH, true);
    }
}
