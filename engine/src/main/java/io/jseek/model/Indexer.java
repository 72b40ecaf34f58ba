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
 * <p>Scoring is one streaming pass over the keys: tiles of keys are transposed once (decoded, for
 * compact storage) and scored against every query of the chunk while they are in cache, and each
 * query keeps a running top-k heap, so neither a T×n score matrix nor a second pass is needed, and a
 * chunk reads the keys once.
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

    /** Adds the head weights wI = x weights_proj^T -> ws.wi [T, IH] to the attention's batch over xn. */
    void addWeights(Parallel.Batch b, Workspace ws, float[] xn, int T) {
        b.add(weightsProj, xn, 0, weightsProj.cols(), ws.wi, 0, heads, T);
    }

    /** Adds the queries qI = qr wq_b^T -> ws.qi [T, IH·ID] to the attention's batch over qr. */
    void addQueries(Parallel.Batch b, Workspace ws, float[] qr, int T) {
        b.add(wqB, qr, 0, wqB.cols(), ws.qi, 0, heads * headDim, T);
    }

    /**
     * After {@link #addWeights} and {@link #addQueries} have run: qr: [T, q_lora], xn: [T, d] for the rows of {@code b} -> ws.sel[r][0..ws.selN[r]) ascending indices
     * of the compressed entries chosen for row r, per segment against that sequence's keys.
     */
    void forward(Parallel par, Workspace ws, Batch b, int layerId, float[] qr, float[] xn) {
        int T = b.rows;
        compressor.project(par, ws, xn, T);
        for (int s = 0; s < b.segments; s++) {
            LayerState st = b.state[s].layer(layerId);
            compressor.absorb(ws, st.indexCompressor, st.indexKeys, b.segP0[s], b.segStart[s], b.segLen[s]);
        }
        int qw = heads * headDim;
        for (int r = 0; r < T; r++) {
            rope.angles(b.pos[r], ws.cs);
            for (int h = 0; h < heads; h++) {
                rope.rotate(ws.qi, r * qw + h * headDim, headDim, ws.cs, false);
                Hadamard.rotate(ws.qi, r * qw + h * headDim, headDim);
            }
            for (int h = 0; h < heads; h++) ws.wi[r * heads + h] *= weightScale;
            ws.selN[r] = 0;
        }
        ws.ensureIndexScratch(TILE * headDim, T * 2 * TILE);
        for (int s = 0; s < b.segments; s++) {
            int row0 = b.segStart[s], len = b.segLen[s];
            int total = (b.segP0[s] + len) / 4; // entries eligible for the segment's last row
            EntryStore keys = b.state[s].layer(layerId).indexKeys;
            ws.indexJob.set(this, ws, b.pos, row0);
            for (int e0 = 0; e0 < total; e0 += TILE) {
                int e1 = Math.min(total, e0 + TILE);
                transposeTile(ws, keys, e0, e1);
                ws.indexJob.tile(e0, e1);
                par.forRange(len, 1, ws.indexJob);
            }
        }
        for (int r = 0; r < T; r++) java.util.Arrays.sort(ws.sel, r * topK, r * topK + ws.selN[r]);
    }

    /**
     * Keys [e0, e1) into ws.keyTile as [ID][TILE] (channel-major), decoding compact rows, so a query
     * head scores the whole tile with ID long SIMD axpys instead of one short dot per key.
     */
    private void transposeTile(Workspace ws, EntryStore keys, int e0, int e1) {
        float[] row = ws.entry, kt = ws.keyTile;
        for (int e = e0; e < e1; e++) {
            float[] src;
            int so;
            if (keys.direct()) {
                src = keys.block(e);
                so = keys.offset(e);
            } else {
                keys.decode(e, row, 0);
                src = row;
                so = 0;
            }
            for (int d = 0; d < headDim; d++) kt[d * TILE + e - e0] = src[so + d];
        }
    }

    /** Scores the tile's keys [e0, e1) for rows [r0, r1) into their running top-k heaps. */
    void scoreTile(Workspace ws, int[] pos, int e0, int e1, int r0, int r1) {
        int qw = heads * headDim;
        float[] kt = ws.keyTile, scratch = ws.indexScratch;
        for (int t = r0; t < r1; t++) {
            int n = Math.min(e1, (pos[t] + 1) / 4) - e0; // causal: w < (pos+1) div 4
            if (n <= 0) continue;
            int acc = t * 2 * TILE, dot = acc + TILE;
            java.util.Arrays.fill(scratch, acc, acc + n, 0f);
            for (int h = 0; h < heads; h++) {
                int q = t * qw + h * headDim;
                java.util.Arrays.fill(scratch, dot, dot + n, 0f);
                for (int d = 0; d < headDim; d++) VectorMath.axpy(ws.qi[q + d], kt, d * TILE, scratch, dot, n);
                float w = ws.wi[t * heads + h];
                for (int i = 0; i < n; i++) scratch[acc + i] += w * Math.max(scratch[dot + i], 0f);
            }
            int size = ws.selN[t], base = t * topK;
            for (int i = 0; i < n; i++) size = TopK.offer(ws.selScore, ws.sel, base, size, topK, scratch[acc + i], e0 + i);
            ws.selN[t] = size;
        }
    }

    /** The per-tile job, kept in the workspace so decode allocates nothing. */
    static final class IndexJob implements Parallel.Range {
        private Indexer indexer;
        private Workspace ws;
        private int[] pos;
        private int row0, e0, e1;

        void set(Indexer indexer, Workspace ws, int[] pos, int row0) {
            this.indexer = indexer;
            this.ws = ws;
            this.pos = pos;
            this.row0 = row0;
        }

        void tile(int e0, int e1) {
            this.e0 = e0;
            this.e1 = e1;
        }

        @Override
        public void run(int lo, int hi) {
            indexer.scoreTile(ws, pos, e0, e1, row0 + lo, row0 + hi);
        }
    }
}
