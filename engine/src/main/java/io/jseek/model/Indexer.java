package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Hadamard;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.TopK;
import io.jseek.kernels.VectorMath;
import io.jseek.kernels.WeightMatrix;
import io.jseek.state.EntryStore;
import io.jseek.state.LayerState;
import io.jseek.weights.WeightLoader;

/**
 * The lightning indexer of CSA layers (spec §6): scores every causal compressed entry for a query,
 * {@code I(t,w) = Σ_h wI[h]·ReLU(qI_h · KI_w)}, and picks the top-k entries the attention will see.
 * It reuses the attention's low-rank query {@code qr} and has its own ratio-4 compressor for its keys.
 */
final class Indexer {
    private final int heads, headDim, topK;
    private final WeightMatrix wqB;        // [IH·ID, q_lora]
    private final WeightMatrix weightsProj; // [IH, d]
    private final Compressor compressor;   // keys, Dc = ID
    private final Rope rope;
    private final float weightScale;

    Indexer(WeightLoader w, String prefix, ModelConfig c, Rope rope) {
        this.heads = c.indexHeads();
        this.headDim = c.indexHeadDim();
        this.topK = c.indexTopK();
        this.rope = rope;
        this.wqB = w.linear(prefix + "wq_b", heads * headDim, c.qLoraRank());
        this.weightsProj = w.linear(prefix + "weights_proj", heads, c.dim());
        this.compressor = new Compressor(w, prefix + "compressor.", c, 4, headDim, rope, true);
        this.weightScale = (float) (1.0 / Math.sqrt(headDim) / Math.sqrt(heads));
    }

    /**
     * qr: [T, q_lora], xn: [T, d] -> ws.sel[t][0..ws.selN[t]) ascending indices of the chosen
     * compressed entries for each query position p0+t.
     */
    void forward(Parallel par, Workspace ws, LayerState st, int p0, int T, float[] qr, float[] xn) {
        compressor.forward(par, ws, st.indexCompressor, st.indexKeys, p0, T, xn);
        int qw = heads * headDim;
        par.matmul(wqB, qr, 0, wqB.cols(), ws.qi, 0, qw, T);
        par.matmul(weightsProj, xn, 0, weightsProj.cols(), ws.wi, 0, heads, T);
        EntryStore keys = st.indexKeys;
        for (int t = 0; t < T; t++) {
            int pos = p0 + t;
            rope.angles(pos, ws.cs);
            for (int h = 0; h < heads; h++) {
                rope.rotate(ws.qi, t * qw + h * headDim, headDim, ws.cs, false);
                Hadamard.rotate(ws.qi, t * qw + h * headDim, headDim);
            }
            int eligible = (pos + 1) / 4;
            int k = Math.min(topK, eligible);
            ws.selN[t] = k;
            if (k == 0) continue;
            ws.ensureScores(eligible);
            float[] score = ws.scores;
            for (int e = 0; e < eligible; e++) {
                float[] kb = keys.block(e);
                int ko = keys.offset(e);
                float s = 0;
                for (int h = 0; h < heads; h++) {
                    float dot = VectorMath.dot(ws.qi, t * qw + h * headDim, kb, ko, headDim);
                    if (dot > 0) s += ws.wi[t * heads + h] * weightScale * dot;
                }
                score[e] = s;
            }
            TopK.select(score, eligible, k, ws.sel, t * topK);
        }
    }
}
