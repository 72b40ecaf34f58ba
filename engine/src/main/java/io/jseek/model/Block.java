package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.VectorMath;
import io.jseek.weights.WeightLoader;

/**
 * One transformer block (spec §1): hyper-connected attention, then hyper-connected MoE.
 * The hc streams of a token are its residual state.
 */
final class Block {
    final int layerId;
    private final HyperConnection hcAttn, hcFfn;
    private final float[] attnNorm, ffnNorm; // [d]
    final Attention attn;
    final MoE ffn;
    private final int d, hc;
    private final float eps;

    Block(WeightLoader w, String prefix, ModelConfig c, int layerId) {
        this.layerId = layerId;
        this.d = c.dim();
        this.hc = c.hcMult();
        this.eps = (float) c.normEps();
        this.hcAttn = new HyperConnection(w, prefix, "attn", c);
        this.hcFfn = new HyperConnection(w, prefix, "ffn", c);
        this.attnNorm = w.vector(prefix + "attn_norm.weight", d);
        this.ffnNorm = w.vector(prefix + "ffn_norm.weight", d);
        this.attn = new Attention(w, prefix + "attn.", c, c.ratio(layerId));
        this.ffn = new MoE(w, prefix + "ffn.", c, c.isHashLayer(layerId));
    }

    /** ws.H: [T, hc·d] for the rows of {@code b} is updated in place; the rows' tokens feed hash routing. */
    void forward(Parallel par, Workspace ws, Batch b) {
        int T = b.rows, n = T * hc * d;
        // attention sub-layer
        System.arraycopy(ws.H, 0, ws.R, 0, n);
        hcAttn.pre(par, ws.H, T, ws.mixes, ws.x, ws.post, ws.comb, ws.sinkhorn);
        for (int t = 0; t < T; t++) VectorMath.rmsNorm(ws.x, t * d, attnNorm, eps, ws.xn, t * d, d);
        attn.forward(par, ws, b, layerId, ws.xn, ws.f);
        if (ws.trace != null && ws.c.ratio(layerId) == 4) ws.trace.indexer(layerId, b.segP0[0], T, ws.sel, ws.c.indexTopK(), ws.selN);
        HyperConnection.post(ws.f, ws.R, ws.post, ws.comb, ws.H, T, hc, d);
        // feed-forward sub-layer
        System.arraycopy(ws.H, 0, ws.R, 0, n);
        hcFfn.pre(par, ws.H, T, ws.mixes, ws.x, ws.post, ws.comb, ws.sinkhorn);
        for (int t = 0; t < T; t++) VectorMath.rmsNorm(ws.x, t * d, ffnNorm, eps, ws.xn, t * d, d);
        ffn.forward(par, ws, T, ws.xn, b.token, 0, ws.f);
        if (ws.trace != null) ws.trace.experts(layerId, b.segP0[0], T, ws.c.nActivatedExperts(), ws.route, ws.routeW);
        HyperConnection.post(ws.f, ws.R, ws.post, ws.comb, ws.H, T, hc, d);
    }
}
