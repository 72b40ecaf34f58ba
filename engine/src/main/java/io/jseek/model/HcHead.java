package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.WeightMatrix;
import io.jseek.weights.WeightLoader;

/** The final collapse of the hc streams into one vector (spec §2, HCHead): weighted sum, no Sinkhorn. */
public final class HcHead {
    private final WeightMatrix fn; // [hc, hc·d]
    private final float[] base;    // [hc]
    private final float[] scale;   // [1]
    private final int hc, d;
    private final double normEps, hcEps;

    HcHead(WeightLoader w, String prefix, ModelConfig c) {
        this.hc = c.hcMult();
        this.d = c.dim();
        this.normEps = c.normEps();
        this.hcEps = c.hcEps();
        this.fn = w.matrix(prefix + "hc_head_fn", hc, hc * d);
        this.base = w.vector(prefix + "hc_head_base", hc);
        this.scale = w.vector(prefix + "hc_head_scale", 1);
    }

    /** H[off ..]: [T, hc·d] -> y: [T, d]; {@code m} is scratch of T·hc floats. */
    void forward(Parallel par, float[] H, int off, int T, float[] m, float[] y) {
        int n = hc * d;
        par.matmul(fn, H, off, n, m, 0, hc, T);
        for (int t = 0; t < T; t++) {
            double inv = 1.0 / HyperConnection.rms(H, off + t * n, n, normEps);
            for (int ch = 0; ch < d; ch++) y[t * d + ch] = 0;
            for (int j = 0; j < hc; j++) {
                float pre = (float) (HyperConnection.sigmoid(m[t * hc + j] * inv * scale[0] + base[j]) + hcEps);
                for (int ch = 0; ch < d; ch++) y[t * d + ch] += pre * H[off + t * n + j * d + ch];
            }
        }
    }
}
