package io.jseek.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.util.Arrays;

import static io.jseek.kernels.VectorMath.F;
import static io.jseek.kernels.VectorMath.L;

/**
 * Top-k selection with a deterministic tie rule: a higher score wins, and among equal scores the
 * lower index wins (spec §6, used by the indexer and the router). Allocation free: the caller passes
 * the output buffer, which doubles as the heap.
 */
public final class TopK {
    private TopK() {
    }

    /**
     * Writes the indices of the {@code k} best of {@code score[0..n)} into {@code out[o..o+k)} in
     * ascending index order; {@code k} must be ≤ n.
     */
    public static void select(float[] score, int n, int k, int[] out, int o) {
        if (k <= 0) return;
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                out[o + size] = i;
                siftUp(score, out, o, size++);
            } else if (better(score, i, out[o])) {
                out[o] = i;
                siftDown(score, out, o, k);
            }
        }
        Arrays.sort(out, o, o + k);
    }

    /** a ranks above b. */
    static boolean better(float[] s, int a, int b) {
        return s[a] > s[b] || (s[a] == s[b] && a < b);
    }

    // min-heap by rank: the root is the worst of the kept k
    private static void siftUp(float[] s, int[] h, int o, int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!better(s, h[o + p], h[o + i])) break;
            int t = h[o + p]; h[o + p] = h[o + i]; h[o + i] = t;
            i = p;
        }
    }

    private static void siftDown(float[] s, int[] h, int o, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, w = i;
            if (l < size && better(s, h[o + w], h[o + l])) w = l;
            if (r < size && better(s, h[o + w], h[o + r])) w = r;
            if (w == i) return;
            int t = h[o + w]; h[o + w] = h[o + i]; h[o + i] = t;
            i = w;
        }
    }

    /**
     * Streaming top-k: offers (s, idx) to the heap kept in {@code hs/hi[o .. o+size)} (root = the
     * worst kept pair) and returns the new size. Feeding every candidate once gives the same set as
     * {@link #select}, in one pass and without holding all scores.
     */
    public static int offer(float[] hs, int[] hi, int o, int size, int k, float s, int idx) {
        if (size < k) {
            int i = size;
            hs[o + i] = s;
            hi[o + i] = idx;
            while (i > 0) { // sift up: a worse pair moves toward the root
                int p = (i - 1) / 2;
                if (!better(hs[o + p], hi[o + p], hs[o + i], hi[o + i])) break;
                swap(hs, hi, o + p, o + i);
                i = p;
            }
            return size + 1;
        }
        if (!better(s, idx, hs[o], hi[o])) return size;
        hs[o] = s;
        hi[o] = idx;
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, w = i;
            if (l < size && better(hs[o + w], hi[o + w], hs[o + l], hi[o + l])) w = l;
            if (r < size && better(hs[o + w], hi[o + w], hs[o + r], hi[o + r])) w = r;
            if (w == i) return size;
            swap(hs, hi, o + w, o + i);
            i = w;
        }
    }

    /**
     * {@link #offer}s {@code (s[so+i], idx0+i)} for i < n in order and returns the new size; the indices
     * must be larger than every index already in the heap (a streaming pass over keys in order). Then,
     * once the heap is full, a newcomer enters only with a score strictly above the root's (on equal
     * scores the kept lower index wins), so whole vectors of scores are compared with the root and only
     * lanes above it are offered: far into a long context almost every key is rejected at the cost of
     * one compare per L scores. The selection is exactly that of offering every pair.
     */
    public static int offerAll(float[] hs, int[] hi, int o, int size, int k, float[] s, int so, int n, int idx0) {
        if (k <= 0) return size;
        int i = 0;
        for (; i < n && size < k; i++) size = offer(hs, hi, o, size, k, s[so + i], idx0 + i);
        for (; i + L <= n; i += L) {
            long above = FloatVector.fromArray(F, s, so + i).compare(VectorOperators.GT, hs[o]).toLong();
            while (above != 0) { // the root rises with each entry, so every lane is checked again
                int j = Long.numberOfTrailingZeros(above);
                above &= above - 1;
                if (s[so + i + j] > hs[o]) size = offer(hs, hi, o, size, k, s[so + i + j], idx0 + i + j);
            }
        }
        for (; i < n; i++) if (s[so + i] > hs[o]) size = offer(hs, hi, o, size, k, s[so + i], idx0 + i);
        return size;
    }

    /** The plain twin of {@link #offerAll}: every pair offered. */
    public static int offerAllScalar(float[] hs, int[] hi, int o, int size, int k, float[] s, int so, int n, int idx0) {
        for (int i = 0; i < n; i++) size = offer(hs, hi, o, size, k, s[so + i], idx0 + i);
        return size;
    }

    static boolean better(float sa, int ia, float sb, int ib) {
        return sa > sb || (sa == sb && ia < ib);
    }

    private static void swap(float[] hs, int[] hi, int a, int b) {
        float s = hs[a]; hs[a] = hs[b]; hs[b] = s;
        int i = hi[a]; hi[a] = hi[b]; hi[b] = i;
    }

    /** The plain reference: k passes of "take the best remaining". */
    public static void selectReference(float[] score, int n, int k, int[] out) {
        boolean[] taken = new boolean[n];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int i = 0; i < n; i++) if (!taken[i] && (best < 0 || better(score, i, best))) best = i;
            taken[best] = true;
            out[j] = best;
        }
        Arrays.sort(out, 0, k);
    }
}
