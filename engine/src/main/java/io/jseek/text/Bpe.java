package io.jseek.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The byte-level BPE model: a piece's UTF-8 bytes start as one token each, then the adjacent pair with
 * the lowest merge rank is merged (leftmost first on ties) until no pair merges, exactly HF's order.
 * A heap keyed by (rank, position) makes a word O(n log n); a word cache skips repeated words.
 */
final class Bpe {
    private static final int CACHE_LIMIT = 100_000;

    private final int[] byteToId;
    private final MergeTable merges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /** @param byteToId the id of each byte's byte-level token, -1 if the vocab lacks it (the byte is dropped) */
    Bpe(int[] byteToId, MergeTable merges) {
        this.byteToId = byteToId;
        this.merges = merges;
    }

    /** Appends the ids of one pre-tokenized piece. */
    void encode(String piece, IntList out) {
        int[] ids = cache.get(piece);
        if (ids == null) {
            ids = merge(piece.getBytes(StandardCharsets.UTF_8));
            if (cache.size() < CACHE_LIMIT) cache.put(piece, ids);
        }
        out.addAll(ids);
    }

    private int[] merge(byte[] bytes) {
        int n = 0;
        int[] id = new int[bytes.length];
        for (byte b : bytes) {
            int t = byteToId[b & 0xFF];
            if (t >= 0) id[n++] = t;
        }
        if (n < 2) return Arrays.copyOf(id, n);
        // symbols form a linked list; a merged-away symbol gets id -1
        int[] next = new int[n], prev = new int[n];
        for (int i = 0; i < n; i++) { next[i] = i + 1 < n ? i + 1 : -1; prev[i] = i - 1; }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) push(heap, id, i, i + 1);
        int alive = n;
        while (!heap.isEmpty()) {
            long e = heap.pop();
            int rank = (int) (e >>> 32), i = (int) e;
            int j = next[i];
            // stale entry: a neighbour changed since it was pushed (same rank means same pair, still valid)
            if (id[i] < 0 || j < 0 || merges.rank(id[i], id[j]) != rank) continue;
            id[i] = merges.result(id[i], id[j]);
            id[j] = -1;
            next[i] = next[j];
            if (next[j] >= 0) prev[next[j]] = i;
            alive--;
            if (prev[i] >= 0) push(heap, id, prev[i], i);
            if (next[i] >= 0) push(heap, id, i, next[i]);
        }
        int[] out = new int[alive];
        for (int i = 0, k = 0; i >= 0; i = next[i]) out[k++] = id[i];
        return out;
    }

    private void push(LongHeap heap, int[] id, int i, int j) {
        int rank = merges.rank(id[i], id[j]);
        if (rank >= 0) heap.push(((long) rank << 32) | i);
    }

    /** A binary min-heap of longs; (rank << 32 | position) orders by rank, then position. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (a[p] <= v) break;
                a[i] = a[p];
                i = p;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long v = a[--size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) break;
                if (c + 1 < size && a[c + 1] < a[c]) c++;
                if (v <= a[c]) break;
                a[i] = a[c];
                i = c;
            }
            a[i] = v;
            return top;
        }
    }
}
