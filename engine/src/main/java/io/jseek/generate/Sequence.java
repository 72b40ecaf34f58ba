package io.jseek.generate;

import io.jseek.state.DecodeState;

import java.util.Arrays;

/**
 * One request inside the {@link Scheduler}: its tokens (prompt, then generated), decode state,
 * sampler and sink. Buffers are allocated once per sequence (the sampler's too), so a decode step
 * allocates nothing. Only the engine thread touches the mutable fields, except {@link #cancel()}.
 */
public final class Sequence {
    private final TokenSink sink;
    private final int promptLength, maxNew;
    private final Sampler sampler;
    private int[] tokens;          // prompt + generated
    private int length;            // valid entries of tokens
    private int generated;
    private int cachedTokens;      // prompt tokens served from the prefix cache
    private volatile boolean cancelled;
    DecodeState state;             // set on admission
    float[] logits;                // [V], set on admission

    Sequence(int[] prompt, int maxNew, SamplingParams params, int vocab, TokenSink sink) {
        this.sink = sink;
        this.promptLength = prompt.length;
        this.maxNew = maxNew;
        this.sampler = new Sampler(params, vocab);
        this.tokens = Arrays.copyOf(prompt, prompt.length + Math.min(maxNew, 4096));
        this.length = prompt.length;
    }

    /** Asks the engine thread to end this sequence at its next step (finish reason CANCELLED). */
    public void cancel() {
        cancelled = true;
    }

    public boolean cancelled() {
        return cancelled;
    }

    public int promptLength() {
        return promptLength;
    }

    public int cachedTokens() {
        return cachedTokens;
    }

    public int generated() {
        return generated;
    }

    int maxNew() {
        return maxNew;
    }

    int[] tokens() {
        return tokens;
    }

    int length() {
        return length;
    }

    TokenSink sink() {
        return sink;
    }

    void cachedTokens(int n) {
        cachedTokens = n;
    }

    /** Samples from {@link #logits}, records the token and returns it. */
    int sampleAndAppend() {
        int id = sampler.sample(logits);
        sampler.accept(id);
        if (length == tokens.length) tokens = Arrays.copyOf(tokens, Math.min(promptLength + maxNew, tokens.length * 2));
        tokens[length++] = id;
        generated++;
        return id;
    }
}
