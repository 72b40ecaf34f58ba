package io.jseek.model;

import io.jseek.state.DecodeState;

import java.util.Arrays;

/**
 * The rows of one forward pass: one or more segments, each a run of consecutive positions of one
 * sequence (a prompt chunk, or a single decode token). Matrix products run over all rows at once — so
 * the decode steps of several sequences share one pass over the weights — while attention, compressors
 * and indexers work per segment on that sequence's state. Reused between calls (no per-step allocation).
 */
final class Batch {
    int rows, segments;
    DecodeState[] state = new DecodeState[4]; // [segments]
    int[] segStart = new int[4];              // first row of each segment
    int[] segLen = new int[4];
    int[] segP0 = new int[4];                 // position of the segment's first row
    int[] token = new int[4];                 // [rows] token id (hash routing)
    int[] pos = new int[4];                   // [rows] absolute position

    void clear() {
        rows = 0;
        segments = 0;
    }

    /** Appends tokens[off .. off+len) of {@code st} at positions p0 .. p0+len-1. */
    void add(DecodeState st, int[] tokens, int off, int len, int p0) {
        if (segments == state.length) {
            int n = segments * 2;
            state = Arrays.copyOf(state, n);
            segStart = Arrays.copyOf(segStart, n);
            segLen = Arrays.copyOf(segLen, n);
            segP0 = Arrays.copyOf(segP0, n);
        }
        if (rows + len > token.length) {
            int n = Math.max(rows + len, token.length * 2);
            token = Arrays.copyOf(token, n);
            pos = Arrays.copyOf(pos, n);
        }
        state[segments] = st;
        segStart[segments] = rows;
        segLen[segments] = len;
        segP0[segments] = p0;
        segments++;
        for (int t = 0; t < len; t++) {
            token[rows + t] = tokens[off + t];
            pos[rows + t] = p0 + t;
        }
        rows += len;
    }
}
