package io.jseek.generate;

/** One tool call of a reply: arguments is a JSON object text. */
public record ToolCallResult(String id, String name, String arguments) {
}
