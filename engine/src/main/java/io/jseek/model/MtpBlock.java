package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.VectorMath;
import io.jseek.kernels.WeightMatrix;
import io.jseek.weights.WeightLoader;

/**
 * A multi-token-prediction block (spec §8): combines the main model's final hc-state at position i
 * with the embedding of token i+1 and runs one more block with its own head collapse, predicting
 * token i+2. Shares {@code embed} and {@code head} with the main model.
 */
final class MtpBlock {
    private final WeightMatrix eProj, hProj; // [d, d]
    private final float[] enorm, hnorm, norm; // [d]
    final Block block;
    private final HcHead hcHead;
    private final int d, hc;
    private final float eps;

    MtpBlock(WeightLoader w, String prefix, ModelConfig c, int layerId) {
        this.d = c.dim();
        this.hc = c.hcMult();
        this.eps = (float) c.normEps();
        this.eProj = w.linear(prefix + "e_proj", d, d);
        this.hProj = w.linear(prefix + "h_proj", d, d);
        this.enorm = w.vector(prefix + "enorm.weight", d);
        this.hnorm = w.vector(prefix + "hnorm.weight", d);
        this.norm = w.vector(prefix + "norm.weight", d);
        this.block = new Block(w, prefix, c, layerId);
        this.hcHead = new HcHead(w, prefix, c);
    }

    /**
     * hs: [T, hc·d] main final hc-states for the rows of {@code b} (whose tokens are the following ids), embed rows in ws.x
     * -> ws.y: [T, d] normalised head input.
     */
    void forward(Parallel par, Workspace ws, Batch b, float[] hs) {
        int T = b.rows, n = hc * d;
        for (int t = 0; t < T; t++) VectorMath.rmsNorm(ws.x, t * d, enorm, eps, ws.xn, t * d, d);
        par.matmul(eProj, ws.xn, 0, d, ws.f, 0, d, T);                       // e:  [T, d]
        for (int r = 0; r < T * hc; r++) VectorMath.rmsNorm(hs, r * d, hnorm, eps, ws.R, r * d, d);
        par.matmul(hProj, ws.R, 0, d, ws.H, 0, d, T * hc);                   // Hn: [T·hc, d]
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < hc; j++) VectorMath.axpy(1f, ws.f, t * d, ws.H, t * n + j * d, d);
        }
        block.forward(par, ws, b);
        hcHead.forward(par, ws.H, 0, T, ws.mixes, ws.y);
        for (int t = 0; t < T; t++) VectorMath.rmsNorm(ws.y, t * d, norm, eps, ws.y, t * d, d);
    }
}
