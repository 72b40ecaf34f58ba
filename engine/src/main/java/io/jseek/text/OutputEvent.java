package io.jseek.text;

/**
 * A streamed piece of a parsed completion. Concatenating all deltas of one kind gives the final value:
 * reasoning, content, or (per tool-call index) the call's JSON arguments.
 */
public sealed interface OutputEvent {
    record ReasoningDelta(String text) implements OutputEvent {
    }

    record ContentDelta(String text) implements OutputEvent {
    }

    /** A tool call starts; its arguments follow as {@link ToolCallArguments} fragments. */
    record ToolCallBegin(int index, String name) implements OutputEvent {
    }

    /** A fragment of the JSON arguments of call {@code index}, emitted once per completed parameter. */
    record ToolCallArguments(int index, String fragment) implements OutputEvent {
    }
}
