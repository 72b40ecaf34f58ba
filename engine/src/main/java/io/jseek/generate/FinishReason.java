package io.jseek.generate;

/** Why a sequence ended; the server maps these onto each dialect's names. */
public enum FinishReason {
    /** end-of-sequence token or a stop string */
    STOP,
    /** max_tokens or the context limit */
    LENGTH,
    /** the reply ended with tool calls */
    TOOL_CALLS,
    /** the caller cancelled (client disconnect) */
    CANCELLED,
    /** the engine failed while generating */
    ERROR
}
