package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.WeightMatrix;
import io.jseek.weights.WeightLoader;

/**
 * A SwiGLU expert (spec §7): g = x w1^T, u = x w3^T; with a limit, u is clamped to ±limit and g only
 * from above; h = silu(g)·u, scaled by the routing weight before w2 (the official order).
 */
final class Expert {
    private final WeightMatrix w1, w3; // [I, d]
    private final WeightMatrix w2;     // [d, I]
    private final float limit;

    Expert(WeightLoader w, String prefix, ModelConfig c) {
        this.w1 = w.linear(prefix + "w1", c.moeInterDim(), c.dim());
        this.w3 = w.linear(prefix + "w3", c.moeInterDim(), c.dim());
        this.w2 = w.linear(prefix + "w2", c.dim(), c.moeInterDim());
        this.limit = (float) c.swigluLimit();
    }

    int inter() {
        return w1.rows();
    }

    /** x: [n, d] -> y: [n, d]; row i scaled by weight[i] (null: unweighted, the shared expert). */
    void forward(Parallel par, Workspace ws, int n, float[] x, float[] weight, float[] y) {
        int inter = w1.rows();
        Parallel.Batch up = par.batch();
        up(up, x, 0, ws.eg, 0, ws.eu, 0, n);
        par.matmul(up);
        activate(ws.eg, 0, ws.eu, 0, n, weight, 0);
        par.matmul(w2, ws.eg, 0, inter, y, 0, w2.rows(), n);
    }

    /** Adds g = x w1^T and u = x w3^T (x: [n, d] at xOff; g, u: [n, I]) to a batch: one hand-off for both. */
    void up(Parallel.Batch b, float[] x, int xOff, float[] g, int gOff, float[] u, int uOff, int n) {
        int inter = w1.rows();
        b.add(w1, x, xOff, w1.cols(), g, gOff, inter, n);
        b.add(w3, x, xOff, w3.cols(), u, uOff, inter, n);
    }

    /** Adds y = h w2^T (h: [n, I], y: [n, d]) to a batch. */
    void down(Parallel.Batch b, float[] h, int hOff, float[] y, int yOff, int n) {
        b.add(w2, h, hOff, w1.rows(), y, yOff, w2.rows(), n);
    }

    /** g[i] = silu(g[i])·u[i]·weight[wOff + i] for n rows of I (weight null: 1), clamped by the limit. */
    void activate(float[] g, int gOff, float[] u, int uOff, int n, float[] weight, int wOff) {
        int inter = w1.rows();
        for (int i = 0; i < n; i++) {
            float wt = weight == null ? 1f : weight[wOff + i];
            for (int j = i * inter, end = j + inter; j < end; j++) {
                float gj = g[gOff + j], uj = u[uOff + j];
                if (limit > 0) {
                    uj = Math.max(-limit, Math.min(limit, uj));
                    gj = Math.min(gj, limit);
                }
                g[gOff + j] = (float) (gj / (1 + Math.exp(-gj))) * uj * wt;
            }
        }
    }
}
