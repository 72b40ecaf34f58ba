package io.jseek.state;

import io.jseek.config.ModelConfig;

/**
 * The analytical size of a {@link DecodeState} (spec §9): a fixed part (window rings and compressor
 * windows, f32) and a per-token growth of one entry of D (plus ID for the indexer) per ratio tokens
 * on every compressed layer, at the layout's row size. {@link DecodeState#bytes()} measures the same
 * arrays; they differ only by the unfilled rows of each store's newest block.
 */
public record StateSize(double bytesPerToken, long fixedBytes) {

    public static StateSize of(ModelConfig c, KvLayout layout) {
        double perToken = 0;
        long fixed = 0;
        int rowD = KvLayout.rowBytes(layout.entries(c.headDim(), c.ropeDim()), c.headDim());
        int rowI = KvLayout.rowBytes(layout.indexKeys(c.indexHeadDim()), c.indexHeadDim());
        for (int l = 0; l < c.nLayers() + c.nMtp(); l++) {
            int r = c.ratio(l);
            fixed += 4L * c.window() * c.headDim();
            if (r == 0) continue;
            boolean overlap = r == 4;
            int width = (overlap ? 2 : 1) * c.headDim();
            fixed += 4L * 2 * (overlap ? 2 : 1) * r * width; // kv + score (+ the previous window)
            perToken += (double) rowD / r;
            if (overlap) {
                fixed += 4L * 2 * 2 * 4 * 2 * c.indexHeadDim();
                perToken += rowI / 4.0;
            }
        }
        return new StateSize(perToken, fixed);
    }

    public long at(long tokens) {
        return fixedBytes + Math.round(bytesPerToken * tokens);
    }

    /** The f32 K and V a dense-attention model of the same shape would keep: every layer, every head, every token. */
    public static long denseBytesPerToken(ModelConfig c) {
        return 2L * (c.nLayers() + c.nMtp()) * c.nHeads() * c.headDim() * 4;
    }
}
