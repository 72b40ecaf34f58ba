package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Hadamard;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.ReluHeadScores;
import io.jseek.kernels.TopK;
import io.jseek.kernels.WeightMatrix;
import io.jseek.state.EntryStore;
import io.jseek.state.LayerState;
import io.jseek.weights.WeightLoader;

/**
 * The lightning indexer of CSA layers (spec §6): scores every causal compressed entry for a query,
 * {@code I(t,w) = Σ_h wI[h]·ReLU(qI_h · KI_w)}, and picks the top-k entries the attention will see.
 * It reuses the attention's low-rank query {@code qr} and has its own ratio-4 compressor for its keys.
 *
 * <p>Scoring is one streaming pass over the keys: the chunk's queries are split into a few parts, one
 * per thread or two; a part transposes each tile of keys (decoded, for compact storage) into its own
 * buffer and scores it against every query of the part while it is in cache, and each query keeps a
 * running top-k heap, so neither a T×n score matrix nor a second pass is needed.
 */
final class Indexer {
    /** Keys per tile: 256 keys of ID floats stay in L2 while every row of a part visits them. */
    private static final int TILE = 256;
    /**
     * Floats per channel row of a key tile: one cache line more than TILE, because with a
     * power-of-two stride the rows of a column of key vectors map to a few L1 sets and evict each
     * other (measured: ~25% slower scoring with ID = 128).
     */
    private static final int STRIDE = TILE + 16;
    /**
     * Parts per thread of the scoring pass. Each part transposes every key tile for itself (a small
     * cost next to scoring them for all its rows); more parts than threads balance the load when a
     * thread is slowed down.
     */
    private static final int PARTS_PER_THREAD = 2;

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
        for (int s = 0; s < b.segments; s++) {
            int len = b.segLen[s];
            int parts = Math.min(len, PARTS_PER_THREAD * par.threads());
            ws.ensureIndexParts(parts, TILE, STRIDE);
            ws.indexJob.set(this, ws, b.state[s].layer(layerId).indexKeys, b.pos, b.segStart[s], len, parts);
            try {
                par.forRange(parts, 1, ws.indexJob);
            } finally {
                ws.indexJob.set(null, null, null, null, 0, 0, 0);
            }
        }
        for (int r = 0; r < T; r++) java.util.Arrays.sort(ws.sel, r * topK, r * topK + ws.selN[r]);
    }

    /**
     * Rows [r0, r1) of a segment (consecutive positions) against all their causal keys: each tile of
     * keys is transposed once into the part's buffer and scored for every row while it is in cache,
     * and each row keeps a running top-k heap.
     */
    private void scoreRows(Workspace.Part part, Workspace ws, EntryStore keys, int[] pos, int r0, int r1) {
        int total = (pos[r1 - 1] + 1) / 4; // entries eligible for the last row
        int qw = heads * headDim;
        float[] kt = part.keyTile, sc = part.tileScores;
        for (int e0 = 0; e0 < total; e0 += TILE) {
            int e1 = Math.min(total, e0 + TILE);
            transposeTile(part, keys, e0, e1);
            for (int t = r0; t < r1; t++) {
                int n = Math.min(e1, (pos[t] + 1) / 4) - e0; // causal: w < (pos+1) div 4
                if (n <= 0) continue;
                ReluHeadScores.score(ws.qi, t * qw, ws.wi, t * heads, heads, headDim, kt, 0, STRIDE, n, sc, 0);
                ws.selN[t] = TopK.offerAll(ws.selScore, ws.sel, t * topK, ws.selN[t], topK, sc, 0, n, e0);
            }
        }
    }

    /**
     * Keys [e0, e1) into the part's key tile as [ID][STRIDE] (channel-major), decoding compact rows, so
     * that a vector of keys is one load in {@link ReluHeadScores}.
     */
    private void transposeTile(Workspace.Part part, EntryStore keys, int e0, int e1) {
        float[] row = part.row, kt = part.keyTile;
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
            for (int d = 0; d < headDim; d++) kt[d * STRIDE + e - e0] = src[so + d];
        }
    }

    /**
     * The scoring job of one segment: its rows split into contiguous parts, each part scoring all its
     * keys with its own scratch (one hand-off per segment and layer). Kept in the workspace so decode
     * allocates nothing.
     */
    static final class IndexJob implements Parallel.Range {
        private Indexer indexer;
        private Workspace ws;
        private EntryStore keys;
        private int[] pos;
        private int row0, len, parts;

        void set(Indexer indexer, Workspace ws, EntryStore keys, int[] pos, int row0, int len, int parts) {
            this.indexer = indexer;
            this.ws = ws;
            this.keys = keys;
            this.pos = pos;
            this.row0 = row0;
            this.len = len;
            this.parts = parts;
        }

        @Override
        public void run(int lo, int hi) {
            for (int p = lo; p < hi; p++) {
                int r0 = Workspace.partStart(row0, len, p, parts), r1 = Workspace.partStart(row0, len, p + 1, parts);
                if (r0 < r1) indexer.scoreRows(ws.parts[p], ws, keys, pos, r0, r1);
            }
        }
    }
}
