package io.jseek.text;

import java.util.List;

/**
 * A completion turned into an assistant message. {@code finishReason} is {@code "tool_calls"} when the model
 * called tools, else {@code "stop"} (the caller substitutes {@code "length"} when it hit max_tokens).
 */
public record ParsedOutput(String reasoningContent, String content, List<ToolCall> toolCalls, String finishReason) {
    public ParsedOutput {
        toolCalls = List.copyOf(toolCalls);
    }
}
