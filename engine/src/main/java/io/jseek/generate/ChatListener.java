package io.jseek.generate;

/**
 * Streaming deltas of one reply, in output order. Called on the engine thread: implementations
 * must return quickly (hand the data to another thread, never write to a slow socket here).
 */
public interface ChatListener {
    default void onReasoning(String delta) {
    }

    default void onContent(String delta) {
    }

    /** A tool call starts; its arguments follow as {@link #onToolArguments} fragments. */
    default void onToolCall(int index, String id, String name) {
    }

    default void onToolArguments(int index, String fragment) {
    }

    /** Always called exactly once, last. */
    default void onFinish(ChatResult result) {
    }
}
