package io.jseek.text;

import java.util.List;
import java.util.Objects;

/**
 * One chat message in OpenAI shape. Absent fields are null (or an empty list for {@code toolCalls}).
 * {@code reasoningContent} is the chain of thought of a past assistant turn; {@code toolCallId} links a
 * {@code tool} message to the call it answers.
 */
public record ChatMessage(ChatRole role, String content, String reasoningContent, List<ToolCall> toolCalls,
                          String toolCallId, String name) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(ChatRole.SYSTEM, content, null, null, null, null);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(ChatRole.USER, content, null, null, null, null);
    }

    public static ChatMessage assistant(String reasoning, String content, List<ToolCall> calls) {
        return new ChatMessage(ChatRole.ASSISTANT, content, reasoning, calls, null, null);
    }

    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage(ChatRole.TOOL, content, null, null, toolCallId, null);
    }
}
