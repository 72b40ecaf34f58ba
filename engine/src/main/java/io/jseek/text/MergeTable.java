package io.jseek.text;

import java.util.Arrays;

/**
 * BPE merges as an open-addressing hash from a token-id pair to (rank, merged id), so the merge loop
 * does no boxing. Rank is the position in the merges list: lower merges first.
 */
final class MergeTable {
    private long[] keys;
    private int[] ranks;
    private int[] results;
    private int size;

    MergeTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, -1L);
        ranks = new int[cap];
        results = new int[cap];
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        int mask = keys.length - 1;
        int i = (int) (h >>> 40) & mask;
        while (keys[i] != -1L && keys[i] != key) i = (i + 1) & mask;
        return i;
    }

    /** Adds or replaces the merge of (left, right); a later duplicate wins, as in HF's map. */
    void put(int left, int right, int rank, int result) {
        if ((size + 1) * 2 > keys.length) grow();
        long k = key(left, right);
        int i = slot(k);
        if (keys[i] == -1L) size++;
        keys[i] = k;
        ranks[i] = rank;
        results[i] = result;
    }

    /** The rank of merging (left, right), or -1 if they never merge. */
    int rank(int left, int right) {
        int i = slot(key(left, right));
        return keys[i] == -1L ? -1 : ranks[i];
    }

    /** The id that (left, right) merge into; only valid when {@link #rank} is not -1. */
    int result(int left, int right) {
        return results[slot(key(left, right))];
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldRanks = ranks, oldResults = results;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, -1L);
        ranks = new int[keys.length];
        results = new int[keys.length];
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] == -1L) continue;
            int i = slot(oldKeys[j]);
            keys[i] = oldKeys[j];
            ranks[i] = oldRanks[j];
            results[i] = oldResults[j];
        }
    }
}
