package io.jseek.text;

import java.util.Objects;

/**
 * One function call made by the assistant. {@code arguments} is the JSON object text exactly as the OpenAI API
 * carries it; {@code id} may be null for calls parsed from model output (the server assigns ids).
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
