package io.jseek.generate;

import io.jseek.state.DecodeState;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Recent decode states with the tokens they consumed. A new prompt that starts with an entry's
 * tokens continues from a copy of its state instead of recomputing that prefix (states of
 * compressed attention cannot be rolled back, so only whole entries are reusable). Engine thread only.
 */
final class PrefixCache {
    private record Entry(int[] tokens, DecodeState state, long bytes) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>(); // most recent first
    private final int capacity;
    private long bytes;

    PrefixCache(int capacity) {
        this.capacity = capacity;
    }

    /** Keeps {@code state}, which consumed {@code tokens[0..n)}; the cache owns the state afterwards. */
    void put(int[] tokens, int n, DecodeState state) {
        if (capacity == 0 || n == 0) return;
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.tokens.length == n && Arrays.equals(e.tokens, 0, n, tokens, 0, n)) {
                it.remove();
                bytes -= e.bytes;
            }
        }
        Entry e = new Entry(Arrays.copyOf(tokens, n), state, state.bytes());
        entries.addFirst(e);
        bytes += e.bytes;
        while (entries.size() > capacity) evictOldest();
    }

    /**
     * A fresh copy of the longest entry whose tokens are a proper prefix of {@code prompt[0..n)}
     * (one prompt token must stay to produce logits), or null.
     */
    DecodeState lookup(int[] prompt, int n) {
        Entry best = null;
        for (Entry e : entries) {
            int k = e.tokens.length;
            if (k < n && (best == null || k > best.tokens.length) && Arrays.equals(e.tokens, 0, k, prompt, 0, k)) best = e;
        }
        if (best == null) return null;
        entries.remove(best);
        entries.addFirst(best);
        return best.state.copy();
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return entries.size();
    }

    boolean evictOldest() {
        Entry e = entries.pollLast();
        if (e == null) return false;
        bytes -= e.bytes;
        return true;
    }
}
