package io.jseek.generate;

import io.jseek.text.ToolCall;

import java.util.List;

/**
 * The outcome of one request. {@code stopSequence} is the matched stop string (else null);
 * {@code error} is set only for {@link FinishReason#ERROR}.
 */
public record ChatResult(String reasoning, String content, List<ToolCall> toolCalls, Usage usage,
                         FinishReason finishReason, String stopSequence, Throwable error) {
    public ChatResult {
        toolCalls = List.copyOf(toolCalls);
    }
}
