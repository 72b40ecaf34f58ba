package io.jseek.model;

import io.jseek.state.DecodeState;
import io.jseek.state.KvLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Past the golden prompts' length: 2,500 tokens give the tiny model's indexer 625 keys (three tiles)
 * and each HCA layer 156 entries (three tiles, groups of blocks split across parts). Whatever the
 * split — one prefill call, odd chunks, or a prefill then single-token decode steps, which run the
 * row-parallel and single-row code paths — every row's logits must agree.
 */
class LongContextConsistencyTest {
    static final int N = 2500, DECODED = 40;
    static final double TOL = 1e-4;
    /**
     * Compact storage depends on the split by itself (the code before the long-context kernels gave
     * 3.5e-3 on this test for FP8 too); the bound still catches a wrong entry or lane, which moves
     * logits by far more.
     */
    static final double COMPACT_TOL = 1e-2;

    @ParameterizedTest
    @EnumSource(value = KvLayout.class, names = {"F32", "FP8"})
    void prefillChunkingAndDecodeAgree(KvLayout layout) {
        try (Transformer m = Transformer.load(Golden.checkpoint("tiny"), 2, layout)) {
            int V = m.config().vocabSize();
            int[] tokens = new int[N];
            Random rnd = new Random(3);
            for (int i = 0; i < N; i++) tokens[i] = rnd.nextInt(V);
            float[] whole = run(m, tokens, N);
            float[] chunked = run(m, tokens, 1, 37, 300, 5, 700, 255, 257, 600);
            float[] decoded = run(m, tokens, N - DECODED);
            double chunkDiff = 0, decodeDiff = 0;
            for (int i = 0; i < N * V; i++) chunkDiff = Math.max(chunkDiff, Math.abs(whole[i] - chunked[i]));
            for (int i = (N - DECODED) * V; i < N * V; i++) decodeDiff = Math.max(decodeDiff, Math.abs(whole[i] - decoded[i]));
            System.out.printf("%s, %d tokens: chunked max |dlogit| = %.3g, decoded %.3g%n", layout, N, chunkDiff, decodeDiff);
            double tol = layout == KvLayout.F32 ? TOL : COMPACT_TOL;
            assertTrue(chunkDiff <= tol, layout + " chunked prefill: max |dlogit| = " + chunkDiff);
            assertTrue(decodeDiff <= tol, layout + " decode after prefill: max |dlogit| = " + decodeDiff);
        }
    }

    /** All rows' logits, the tokens fed in chunks of the given lengths and then one at a time. */
    private static float[] run(Transformer m, int[] tokens, int... chunks) {
        int V = m.config().vocabSize();
        float[] logits = new float[tokens.length * V];
        DecodeState st = m.newState();
        int off = 0;
        for (int c = 0; off < tokens.length; c++) {
            int len = c < chunks.length ? Math.min(chunks[c], tokens.length - off) : 1;
            float[] rows = new float[len * V];
            m.forward(st, tokens, off, len, rows, true, null);
            System.arraycopy(rows, 0, logits, off * V, len * V);
            off += len;
        }
        return logits;
    }
}
