package io.jseek.generate;

/** Receives one sequence's tokens on the engine thread; implementations must not block. */
public interface TokenSink {
    /** A newly sampled token; return false to end the sequence now (end-of-sequence token, stop string). */
    boolean onToken(int id);

    /** The sequence ended; {@code error} is non-null only for {@link FinishReason#ERROR}. */
    void onEnd(Sequence sequence, FinishReason reason, Throwable error);
}
