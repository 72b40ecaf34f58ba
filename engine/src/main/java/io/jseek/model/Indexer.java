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
 *
 * <p>Scoring is one streaming pass over the keys: tiles of keys are scored against every query of the
 * chunk while they are in cache, and each query keeps a running top-k heap, so neither a T×n score
 * matrix nor a second pass is needed, and a chunk reads the keys once.
 */
final class Indexer {
    /** Keys per tile: 256 keys of ID floats stay in L2 while every query of the chunk visits them. */
    private static final int TILE = 256;

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
        for (int t = 0; t < T; t++) {
            rope.angles(p0 + t, ws.cs);
            for (int h = 0; h < heads; h++) {
                rope.rotate(ws.qi, t * qw + h * headDim, headDim, ws.cs, false);
                Hadamard.rotate(ws.qi, t * qw + h * headDim, headDim);
            }
            for (int h = 0; h < heads; h++) ws.wi[t * heads + h] *= weightScale;
            ws.selN[t] = 0;
        }
        int total = (p0 + T) / 4; // entries eligible for the last query of the chunk
        ws.indexJob.set(this, ws, st.indexKeys, p0, T);
        EntryStore keys = st.indexKeys;
        for (int e0 = 0; e0 < total; e0 += TILE) {
            int e1 = Math.min(total, e0 + TILE);
            if (!keys.direct()) { // compact keys: decode the tile once for every query of the chunk
                ws.ensureDecoded(TILE * headDim);
                for (int e = e0; e < e1; e++) keys.decode(e, ws.decoded, (e - e0) * headDim);
            }
            ws.indexJob.tile(e0, e1);
            par.forRange(T, 1, ws.indexJob);
        }
        for (int t = 0; t < T; t++) java.util.Arrays.sort(ws.sel, t * topK, t * topK + ws.selN[t]);
    }

    /** Scores keys [e0, e1) for queries [t0, t1) of the chunk into their running top-k heaps. */
    void scoreTile(Workspace ws, EntryStore keys, int p0, int e0, int e1, int t0, int t1) {
        int qw = heads * headDim;
        boolean direct = keys.direct();
        for (int t = t0; t < t1; t++) {
            int end = Math.min(e1, (p0 + t + 1) / 4); // causal: w < (pos+1) div 4
            int size = ws.selN[t], base = t * topK;
            for (int e = e0; e < end; e++) {
                float[] kb = direct ? keys.block(e) : ws.decoded;
                int ko = direct ? keys.offset(e) : (e - e0) * headDim;
                float s = 0;
                for (int h = 0; h < heads; h++) {
                    float dot = VectorMath.dot(ws.qi, t * qw + h * headDim, kb, ko, headDim);
                    if (dot > 0) s += ws.wi[t * heads + h] * dot;
                }
                size = TopK.offer(ws.selScore, ws.sel, base, size, topK, s, e);
            }
            ws.selN[t] = size;
        }
    }

    /** The per-tile job, kept in the workspace so decode allocates nothing. */
    static final class IndexJob implements Parallel.Range {
        private Indexer indexer;
        private Workspace ws;
        private EntryStore keys;
        private int p0, e0, e1;

        void set(Indexer indexer, Workspace ws, EntryStore keys, int p0, int T) {
            this.indexer = indexer;
            this.ws = ws;
            this.keys = keys;
            this.p0 = p0;
        }

        void tile(int e0, int e1) {
            this.e0 = e0;
            this.e1 = e1;
        }

        @Override
        public void run(int lo, int hi) {
            indexer.scoreTile(ws, keys, p0, e0, e1, lo, hi);
        }
    }
}
