package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.WeightMatrix;
import io.jseek.weights.WeightLoader;

/**
 * Manifold-constrained hyper-connection at one site (attention or FFN) of a block (spec §2).
 * The hidden state of a token is hc streams of d channels. {@link #pre} mixes them into the sub-layer
 * input and produces the post weights and the Sinkhorn-projected comb matrix; {@link #post} writes the
 * sub-layer output back into the streams.
 */
public final class HyperConnection {
    private final WeightMatrix fn; // [mix, hc·d]
    private final float[] base;    // [mix]
    private final float[] scale;   // [3]: pre, post, comb
    private final int hc, d, iters;
    private final double normEps, hcEps;

    HyperConnection(WeightLoader w, String prefix, String site, ModelConfig c) {
        this.hc = c.hcMult();
        this.d = c.dim();
        this.iters = c.hcSinkhornIters();
        this.normEps = c.normEps();
        this.hcEps = c.hcEps();
        int mix = c.hcMix();
        this.fn = w.matrix(prefix + "hc_" + site + "_fn", mix, hc * d);
        this.base = w.vector(prefix + "hc_" + site + "_base", mix);
        this.scale = w.vector(prefix + "hc_" + site + "_scale", 3);
    }

    /**
     * H: [T, hc·d] -> x: [T, d], post: [T, hc], comb: [T, hc, hc] (comb[t][r][c], row r = source stream).
     * {@code mixes} is scratch of at least T·mix floats, {@code C} of hc·hc.
     */
    void pre(Parallel par, float[] H, int T, float[] mixes, float[] x, float[] post, float[] comb, double[] C) {
        int mix = fn.rows(), n = hc * d;
        par.matmul(fn, H, mixes, T);
        for (int t = 0; t < T; t++) {
            double inv = 1.0 / rms(H, t * n, n, normEps);
            int m = t * mix;
            for (int j = 0; j < hc; j++) {
                double pre = sigmoid(mixes[m + j] * inv * scale[0] + base[j]) + hcEps;
                post[t * hc + j] = (float) (2 * sigmoid(mixes[m + hc + j] * inv * scale[1] + base[hc + j]));
                mixes[m + j] = (float) pre; // reuse the slot for the pre weight
            }
            for (int k = 0; k < hc * hc; k++) C[k] = mixes[m + 2 * hc + k] * inv * scale[2] + base[2 * hc + k];
            sinkhorn(C, hc, iters, hcEps);
            for (int k = 0; k < hc * hc; k++) comb[t * hc * hc + k] = (float) C[k];
            for (int ch = 0; ch < d; ch++) {
                double s = 0;
                for (int j = 0; j < hc; j++) s += mixes[m + j] * H[t * n + j * d + ch];
                x[t * d + ch] = (float) s;
            }
        }
    }

    /** out[t][k] = post[t][k]·f[t] + Σ_j comb[t][j][k]·R[t][j]; f: [T, d], R, out: [T, hc·d] (out may not alias R). */
    static void post(float[] f, float[] R, float[] post, float[] comb, float[] out, int T, int hc, int d) {
        int n = hc * d;
        for (int t = 0; t < T; t++) {
            for (int k = 0; k < hc; k++) {
                float p = post[t * hc + k];
                int o = t * n + k * d;
                for (int ch = 0; ch < d; ch++) out[o + ch] = p * f[t * d + ch];
                for (int j = 0; j < hc; j++) {
                    float cjk = comb[t * hc * hc + j * hc + k];
                    int r = t * n + j * d;
                    for (int ch = 0; ch < d; ch++) out[o + ch] += cjk * R[r + ch];
                }
            }
        }
    }

    /** Softmax over each row, then alternate column/row normalisation; ends with a column step (spec §2.4). */
    static void sinkhorn(double[] C, int hc, int iters, double eps) {
        for (int r = 0; r < hc; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < hc; c++) max = Math.max(max, C[r * hc + c]);
            double sum = 0;
            for (int c = 0; c < hc; c++) sum += C[r * hc + c] = Math.exp(C[r * hc + c] - max);
            for (int c = 0; c < hc; c++) C[r * hc + c] = C[r * hc + c] / sum + eps;
        }
        normalizeColumns(C, hc, eps);
        for (int it = 1; it < iters; it++) {
            for (int r = 0; r < hc; r++) {
                double s = eps;
                for (int c = 0; c < hc; c++) s += C[r * hc + c];
                for (int c = 0; c < hc; c++) C[r * hc + c] /= s;
            }
            normalizeColumns(C, hc, eps);
        }
    }

    private static void normalizeColumns(double[] C, int hc, double eps) {
        for (int c = 0; c < hc; c++) {
            double s = eps;
            for (int r = 0; r < hc; r++) s += C[r * hc + c];
            for (int r = 0; r < hc; r++) C[r * hc + c] /= s;
        }
    }

    static double rms(float[] v, int off, int n, double eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) v[off + i] * v[off + i];
        return Math.sqrt(ss / n + eps);
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
