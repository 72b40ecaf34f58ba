package io.jseek.generate;

import io.jseek.state.DecodeState;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One request inside the {@link Scheduler}: its tokens (prompt, then generated), decode state,
 * sampling settings and sink. Buffers are allocated once per sequence, so a decode step allocates
 * nothing. Only the engine thread touches the mutable fields, except {@link #cancel()}.
 */
public final class Sequence {
    private final GenerationParams params;
    private final TokenSink sink;
    private final int promptLength, maxNew;
    private final SplittableRandom random;
    private int[] tokens;          // prompt + generated
    private int length;            // valid entries of tokens
    private int generated;
    private int cachedTokens;      // prompt tokens served from the prefix cache
    private volatile boolean cancelled;
    DecodeState state;             // set on admission
    float[] logits;                // [V], set on admission
    private float[] work;          // sampling scratch, lazily [V]

    Sequence(int[] prompt, int maxNew, GenerationParams params, TokenSink sink) {
        this.params = params;
        this.sink = sink;
        this.promptLength = prompt.length;
        this.maxNew = maxNew;
        this.random = new SplittableRandom(params.seed());
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
        int id = sample();
        if (length == tokens.length) tokens = Arrays.copyOf(tokens, Math.min(promptLength + maxNew, tokens.length * 2));
        tokens[length++] = id;
        generated++;
        return id;
    }

    private int sample() {
        float[] l = logits;
        int best = 0;
        for (int i = 1; i < l.length; i++) if (l[i] > l[best]) best = i;
        double t = params.temperature();
        if (t == 0) return best;
        if (work == null) work = new float[l.length];
        float[] p = work;
        double sum = 0;
        for (int i = 0; i < l.length; i++) sum += p[i] = (float) Math.exp((l[i] - l[best]) / t);
        float floor = params.topP() < 1 ? nucleusFloor(p, sum) : 0;
        double total = 0;
        for (float v : p) if (v >= floor) total += v;
        double u = random.nextDouble() * total;
        for (int i = 0; i < p.length; i++) {
            if (p[i] >= floor && (u -= p[i]) <= 0) return i;
        }
        return best;
    }

    /** Smallest probability kept by top-p: sorts a copy in the scratch's mirror and walks down. */
    private float nucleusFloor(float[] p, double sum) {
        float[] sorted = logits; // logits are consumed: reuse them as the sort buffer
        System.arraycopy(p, 0, sorted, 0, p.length);
        Arrays.sort(sorted);
        double acc = 0, target = params.topP() * sum;
        for (int i = sorted.length - 1; i >= 0; i--) {
            acc += sorted[i];
            if (acc >= target) return sorted[i];
        }
        return 0;
    }
}
