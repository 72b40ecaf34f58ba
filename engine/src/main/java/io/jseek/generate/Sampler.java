package io.jseek.generate;

/**
 * Picks the next token from logits. Order: penalties (presence/frequency over the tokens accepted so far) →
 * greedy argmax when temperature is 0 → temperature softmax → min_p (relative to the top token) → top_k → top_p
 * (smallest set of most likely tokens reaching the mass) → seeded draw.
 * <p>All buffers are sized for the vocabulary once, so sampling a token allocates nothing. Ties are broken towards
 * the lower token id, so the same seed and logits always give the same token. Not thread-safe: one per sequence.
 */
public final class Sampler {
    /** top_p pre-pass: candidates within this factor of the top probability usually already hold the nucleus. */
    private static final float NUCLEUS_PREFILTER = 1e-4f;

    private final SamplingParams params;
    private final int vocab;
    private final float[] p;      // penalised logits, then unnormalised probabilities
    private final int[] idx;      // candidate token ids
    private final int[] counts;   // occurrences of each accepted token
    private final int[] seen;     // distinct accepted tokens, so penalties cost O(seen) rather than O(vocab)
    private int seenCount;
    private long rng;

    public Sampler(SamplingParams params, int vocabSize) {
        if (vocabSize < 1) throw new IllegalArgumentException("vocabSize must be >= 1, got " + vocabSize);
        this.params = params;
        this.vocab = vocabSize;
        this.p = new float[vocabSize];
        this.idx = new int[vocabSize];
        this.counts = new int[vocabSize];
        this.seen = new int[vocabSize];
        this.rng = params.seed() != null ? params.seed() : System.nanoTime() ^ Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L;
    }

    /** Records a generated token for the presence/frequency penalties. */
    public void accept(int token) {
        if (counts[token]++ == 0) seen[seenCount++] = token;
    }

    public int sample(float[] logits) {
        if (logits.length < vocab) throw new IllegalArgumentException("logits has " + logits.length + " entries, vocabulary " + vocab);
        System.arraycopy(logits, 0, p, 0, vocab);
        for (int k = 0; k < vocab; k++) {
            if (Float.isNaN(p[k])) p[k] = Float.NEGATIVE_INFINITY;
        }
        float presence = (float) params.presencePenalty(), frequency = (float) params.frequencyPenalty();
        if (presence != 0 || frequency != 0) {
            for (int s = 0; s < seenCount; s++) p[seen[s]] -= presence + frequency * counts[seen[s]];
        }
        int best = argmax();
        if (params.greedy() || p[best] == Float.NEGATIVE_INFINITY) return best;

        float max = p[best];
        float invT = (float) (1 / params.temperature());
        float minP = (float) params.minP(); // the top token has probability 1 in this unnormalised scale
        int n = 0;
        for (int k = 0; k < vocab; k++) {
            float e = (float) Math.exp((p[k] - max) * invT);
            p[k] = e;
            if (e > 0 && e >= minP) idx[n++] = k;
        }
        if (params.topK() > 0 && params.topK() < n) {
            select(0, n - 1, params.topK());
            n = params.topK();
        }
        if (params.topP() < 1) n = nucleus(n);

        double total = 0;
        for (int c = 0; c < n; c++) total += p[idx[c]];
        double u = nextDouble() * total, acc = 0;
        for (int c = 0; c < n; c++) {
            acc += p[idx[c]];
            if (u < acc) return idx[c];
        }
        return idx[n - 1]; // rounding: u landed on the total
    }

    private int argmax() {
        int best = 0;
        for (int k = 1; k < vocab; k++) {
            if (p[k] > p[best]) best = k;
        }
        return best;
    }

    /** Keeps the smallest prefix (by descending probability) of idx[0, n) whose mass reaches top_p; returns its size. */
    private int nucleus(int n) {
        double total = 0, strong = 0;
        float floor = NUCLEUS_PREFILTER; // relative to the top probability, which is 1 here
        for (int c = 0; c < n; c++) {
            float v = p[idx[c]];
            total += v;
            if (v >= floor) strong += v;
        }
        double need = params.topP() * total;
        if (strong >= need) {
            // exact shortcut: every nucleus token is at least as likely as any token outside this subset
            int m = 0;
            for (int c = 0; c < n; c++) {
                if (p[idx[c]] >= floor) idx[m++] = idx[c];
            }
            n = m;
        }
        sort(0, n - 1);
        double acc = 0;
        for (int c = 0; c < n; c++) {
            acc += p[idx[c]];
            if (acc >= need) return c + 1;
        }
        return n;
    }

    /** Strict order: more probable first, then lower token id. */
    private boolean before(int a, int b) {
        return p[a] > p[b] || (p[a] == p[b] && a < b);
    }

    /** Quickselect: moves the k best candidates of idx[lo..hi] to idx[lo..lo+k-1] (unordered). */
    private void select(int lo, int hi, int k) {
        int target = lo + k - 1;
        while (lo < hi) {
            int mid = partition(lo, hi);
            if (mid == target) return;
            if (mid < target) lo = mid + 1;
            else hi = mid - 1;
        }
    }

    /** Sorts idx[lo..hi] best-first; recursion only into the smaller half bounds the stack depth. */
    private void sort(int lo, int hi) {
        while (hi - lo > 16) {
            int mid = partition(lo, hi);
            if (mid - lo < hi - mid) {
                sort(lo, mid - 1);
                lo = mid + 1;
            } else {
                sort(mid + 1, hi);
                hi = mid - 1;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            int v = idx[i], j = i - 1;
            while (j >= lo && before(v, idx[j])) {
                idx[j + 1] = idx[j];
                j--;
            }
            idx[j + 1] = v;
        }
    }

    /** Lomuto partition around the median of three; returns the pivot's final position. */
    private int partition(int lo, int hi) {
        int mid = (lo + hi) >>> 1;
        if (before(idx[mid], idx[lo])) swap(mid, lo);
        if (before(idx[hi], idx[lo])) swap(hi, lo);
        if (before(idx[hi], idx[mid])) swap(hi, mid);
        swap(mid, hi); // median to the end as pivot
        int pivot = idx[hi], store = lo;
        for (int i = lo; i < hi; i++) {
            if (before(idx[i], pivot)) swap(i, store++);
        }
        swap(store, hi);
        return store;
    }

    private void swap(int a, int b) {
        int t = idx[a];
        idx[a] = idx[b];
        idx[b] = t;
    }

    /** SplitMix64: tiny, fast, and fully specified here, so a seed means the same draws on every JDK. */
    private double nextDouble() {
        long z = (rng += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
