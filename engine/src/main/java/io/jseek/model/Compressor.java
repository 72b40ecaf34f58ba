package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Hadamard;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.VectorMath;
import io.jseek.kernels.WeightMatrix;
import io.jseek.state.CompressorState;
import io.jseek.state.EntryStore;
import io.jseek.weights.WeightLoader;

/**
 * KV compression along the sequence (spec §5): every window of {@code ratio} tokens becomes one entry,
 * a per-channel softmax-weighted sum of the tokens' projected kv, scored by a gate plus the in-window
 * position bias {@code ape}. Ratio 4 overlaps two series: channel half "a" of window w−1 and half "b"
 * of window w form entry w. Entries are RMS-normed and rotated at the window's first position; the
 * indexer's compressor additionally applies the Hadamard rotation.
 */
final class Compressor {
    private final int ratio, dc, width;
    private final boolean overlap, hadamard;
    private final WeightMatrix wkv, wgate; // [c·Dc, d]
    private final float[] ape;             // [ratio, c·Dc]
    private final float[] norm;            // [Dc]
    private final float eps;
    private final Rope rope;

    Compressor(WeightLoader w, String prefix, ModelConfig c, int ratio, int dc, Rope rope, boolean hadamard) {
        this.ratio = ratio;
        this.dc = dc;
        this.overlap = ratio == 4;
        this.width = (overlap ? 2 : 1) * dc;
        this.hadamard = hadamard;
        this.rope = rope;
        this.eps = (float) c.normEps();
        this.wkv = w.linear(prefix + "wkv", width, c.dim());
        this.wgate = w.linear(prefix + "wgate", width, c.dim());
        this.ape = w.vector(prefix + "ape", ratio, width);
        this.norm = w.vector(prefix + "norm.weight", dc);
    }

    /** xn: [T, d] -> ws.ck, ws.cg: [T, c·Dc] projections of every row of the batch (one hand-off). */
    void project(Parallel par, Workspace ws, float[] xn, int T) {
        Parallel.Batch b = par.batch();
        addProjections(b, ws, xn, T);
        par.matmul(b);
    }

    /** Adds the two projections of {@link #project} to a batch of matmuls that share the input. */
    void addProjections(Parallel.Batch b, Workspace ws, float[] xn, int T) {
        b.add(wkv, xn, 0, wkv.cols(), ws.ck, 0, width, T);
        b.add(wgate, xn, 0, wgate.cols(), ws.cg, 0, width, T);
    }

    /**
     * Feeds rows [row0, row0+len) (positions p0..) of the projections into the sequence's compressor
     * state and appends every completed window's entry [Dc] to {@code out}.
     */
    void absorb(Workspace ws, CompressorState st, EntryStore out, int p0, int row0, int len) {
        for (int t = 0; t < len; t++) {
            int pos = p0 + t, slot = pos % ratio, r = row0 + t;
            System.arraycopy(ws.ck, r * width, st.kv, slot * width, width);
            for (int ch = 0; ch < width; ch++) st.score[slot * width + ch] = ws.cg[r * width + ch] + ape[slot * width + ch];
            if (slot == ratio - 1) {
                emit(ws, st, out, pos / ratio);
                if (overlap) st.rotate();
            }
        }
    }

    private void emit(Workspace ws, CompressorState st, EntryStore out, int w) {
        float[] e = ws.entry;
        boolean prev = overlap && st.hasPrev;
        int curOff = overlap ? dc : 0; // series b is the second channel half of the current window
        for (int ch = 0; ch < dc; ch++) {
            float max = Float.NEGATIVE_INFINITY;
            if (prev) for (int j = 0; j < ratio; j++) max = Math.max(max, st.prevScore[j * width + ch]);
            for (int j = 0; j < ratio; j++) max = Math.max(max, st.score[j * width + curOff + ch]);
            double num = 0, den = 0;
            if (prev) {
                for (int j = 0; j < ratio; j++) {
                    double p = Math.exp(st.prevScore[j * width + ch] - max);
                    den += p;
                    num += p * st.prevKv[j * width + ch];
                }
            }
            for (int j = 0; j < ratio; j++) {
                double p = Math.exp(st.score[j * width + curOff + ch] - max);
                den += p;
                num += p * st.kv[j * width + curOff + ch];
            }
            e[ch] = (float) (num / den);
        }
        VectorMath.rmsNorm(e, 0, norm, eps, e, 0, dc);
        rope.angles((long) w * ratio, ws.cs);
        rope.rotate(e, 0, dc, ws.cs, false);
        if (hadamard) Hadamard.rotate(e, 0, dc);
        out.add(e, 0);
    }
}
