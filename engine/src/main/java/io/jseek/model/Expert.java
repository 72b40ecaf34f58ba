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

    /** x: [n, d] -> y: [n, d]; row i scaled by weight[i] (null: unweighted, the shared expert). */
    void forward(Parallel par, Workspace ws, int n, float[] x, float[] weight, float[] y) {
        int inter = w1.rows();
        par.matmul(w1, x, 0, w1.cols(), ws.eg, 0, inter, n);
        par.matmul(w3, x, 0, w3.cols(), ws.eu, 0, inter, n);
        for (int i = 0; i < n; i++) {
            float wt = weight == null ? 1f : weight[i];
            for (int j = i * inter, end = j + inter; j < end; j++) {
                float g = ws.eg[j], u = ws.eu[j];
                if (limit > 0) {
                    u = Math.max(-limit, Math.min(limit, u));
                    g = Math.min(g, limit);
                }
                ws.eg[j] = (float) (g / (1 + Math.exp(-g))) * u * wt;
            }
        }
        par.matmul(w2, ws.eg, 0, inter, y, 0, w2.rows(), n);
    }
}
