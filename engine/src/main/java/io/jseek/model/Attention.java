package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.LaneAttention;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.VectorMath;
import io.jseek.kernels.WeightMatrix;
import io.jseek.state.EntryStore;
import io.jseek.state.LayerState;
import io.jseek.weights.WeightLoader;

/**
 * One attention layer (spec §4): low-rank query with per-head RMS norm, one shared K=V head (MQA),
 * partial RoPE, keys = the sliding window plus compressed entries (CSA: the indexer's top-k;
 * HCA: all complete windows), a per-head sink logit in the softmax denominator, inverse RoPE on the
 * output, and the grouped low-rank output projection.
 */
final class Attention {
    /** Compressed entries per tile of the dense (HCA) pass: a tile's lane-major scores stay in L1. */
    private static final int TILE = 64;
    /**
     * Blocks of rows per pass over the entries of the dense pass: a tile of entries is gathered into
     * L1 once for the group (measured with 8 MB of entries: 31 ns per entry and block of 32 rows
     * instead of 41-51 ns for blocks streaming the entries one at a time).
     */
    static final int GROUP = 4;
    /** Floats of candidate keys per tile of {@link #attendHeads}: 32 KB, within L1. */
    private static final int CANDIDATE_TILE_FLOATS = 8192;
    /** Parts per thread of the dense pass (more parts than threads balance the load). */
    private static final int PARTS_PER_THREAD = 2;
    private final int heads, headDim, window, ratio, groups, oRank, indexTopK;
    private final float eps, softmaxScale;
    private final WeightMatrix wqA, wqB, wkv, woA, woB;
    private final float[] qNorm, kvNorm, sink;
    private final Rope rope;
    private final Compressor compressor; // ratio != 0
    private final Indexer indexer;       // ratio == 4

    Attention(WeightLoader w, String prefix, ModelConfig c, int ratio) {
        this.heads = c.nHeads();
        this.headDim = c.headDim();
        this.window = c.window();
        this.ratio = ratio;
        this.groups = c.oGroups();
        this.oRank = c.oLoraRank();
        this.indexTopK = c.indexTopK();
        this.eps = (float) c.normEps();
        this.softmaxScale = (float) (1.0 / Math.sqrt(headDim));
        this.rope = Rope.forLayer(c, ratio);
        int hd = heads * headDim;
        this.wqA = w.linear(prefix + "wq_a", c.qLoraRank(), c.dim());
        this.qNorm = w.vector(prefix + "q_norm.weight", c.qLoraRank());
        this.wqB = w.linear(prefix + "wq_b", hd, c.qLoraRank());
        this.wkv = w.linear(prefix + "wkv", headDim, c.dim());
        this.kvNorm = w.vector(prefix + "kv_norm.weight", headDim);
        this.woA = w.linear(prefix + "wo_a", groups * oRank, hd / groups);
        this.woB = w.linear(prefix + "wo_b", c.dim(), groups * oRank);
        this.sink = w.vector(prefix + "attn_sink", heads);
        this.compressor = ratio == 0 ? null : new Compressor(w, prefix + "compressor.", c, ratio, headDim, rope, false);
        this.indexer = ratio == 4 ? new Indexer(w, prefix + "indexer.", c, rope) : null;
    }

    /** xn: [T, d] for the rows of {@code b} -> out: [T, d]; updates each segment's layer state. */
    void forward(Parallel par, Workspace ws, Batch b, int layerId, float[] xn, float[] out) {
        int T = b.rows;
        int hd = heads * headDim, qLora = wqA.rows();
        // everything computed from x in one hand-off: qr = x wq_a^T, kv = x wkv^T, the compressor's
        // projections and the indexer's head weights
        Parallel.Batch fromX = par.batch();
        fromX.add(wqA, xn, 0, wqA.cols(), ws.qr, 0, qLora, T);
        fromX.add(wkv, xn, 0, wkv.cols(), ws.kv, 0, headDim, T);
        if (compressor != null) compressor.addProjections(fromX, ws, xn, T);
        if (indexer != null) indexer.addWeights(fromX, ws, xn, T);
        par.matmul(fromX);
        // query: qr = RMSNorm(qr); q = qr wq_b^T (and the indexer's queries), per-head RMS, RoPE
        for (int t = 0; t < T; t++) VectorMath.rmsNorm(ws.qr, t * qLora, qNorm, eps, ws.qr, t * qLora, qLora);
        Parallel.Batch fromQ = par.batch();
        fromQ.add(wqB, ws.qr, 0, qLora, ws.q, 0, hd, T);
        if (indexer != null) indexer.addQueries(fromQ, ws, ws.qr, T);
        par.matmul(fromQ);
        for (int t = 0; t < T; t++) {
            rope.angles(b.pos[t], ws.cs);
            for (int h = 0; h < heads; h++) {
                int o = t * hd + h * headDim;
                VectorMath.rmsNorm(ws.q, o, null, eps, ws.q, o, headDim);
                rope.rotate(ws.q, o, headDim, ws.cs, false);
            }
            VectorMath.rmsNorm(ws.kv, t * headDim, kvNorm, eps, ws.kv, t * headDim, headDim);
            rope.rotate(ws.kv, t * headDim, headDim, ws.cs, false);
        }
        for (int s = 0; s < b.segments; s++) {
            // compact storage: this chunk's keys are seen exactly as the window will hold them
            LayerState st = b.state[s].layer(layerId);
            if (st.kvCodec == null) continue;
            for (int t = b.segStart[s]; t < b.segStart[s] + b.segLen[s]; t++) st.kvCodec.roundTrip(ws.kv, t * headDim, ws.rowScratch);
        }
        if (compressor != null) {
            for (int s = 0; s < b.segments; s++) {
                LayerState st = b.state[s].layer(layerId);
                compressor.absorb(ws, st.compressor, st.entries, b.segP0[s], b.segStart[s], b.segLen[s]);
            }
        }
        if (indexer != null) indexer.forward(par, ws, b, layerId, ws.qr, xn);

        for (int s = 0; s < b.segments; s++) {
            LayerState st = b.state[s].layer(layerId);
            if (dense()) attendCompressed(par, ws, st.entries, b.segP0[s], b.segStart[s], b.segLen[s]);
            attendRows(par, ws, st, b.segP0[s], b.segStart[s], b.segLen[s]);
            updateWindow(ws, st, b.segP0[s], b.segStart[s], b.segLen[s]);
        }

        // grouped low-rank output: u_g = o_g wo_a[g]^T, out = u wo_b^T
        int groupIn = hd / groups, gr = groups * oRank;
        Parallel.Batch groupsJob = par.batch();
        for (int g = 0; g < groups; g++) groupsJob.add(woA, ws.o, g * groupIn, hd, ws.u, 0, gr, T, g * oRank, (g + 1) * oRank);
        par.matmul(groupsJob);
        par.matmul(woB, ws.u, 0, gr, out, 0, woB.rows(), T);
    }

    /**
     * The rows [row0, row0 + len) of a segment starting at position p0, each over its own candidates
     * (see {@link #attend}): the rows split into parts that run in parallel (one hand-off per segment
     * and layer), or, for a single row (decode), its heads in parallel.
     */
    private void attendRows(Parallel par, Workspace ws, LayerState st, int p0, int row0, int len) {
        int parts = Math.min(len, PARTS_PER_THREAD * par.threads());
        ws.ensureAttentionParts(parts, TILE, LaneAttention.rows(), window + indexTopK);
        if (parts == 1) {
            for (int t = row0; t < row0 + len; t++) attend(par, ws, ws.parts[0], st, p0, row0, t);
            return;
        }
        ws.rowsJob.set(this, ws, st, p0, row0, len, parts);
        try {
            par.forRange(parts, 1, ws.rowsJob);
        } finally {
            ws.rowsJob.set(null, null, null, 0, 0, 0, 0);
        }
    }

    /**
     * Attention of row t (position p0 + t − row0 of a segment starting at row0) over its own candidate
     * keys (the window, and for CSA the indexer's selection), merged with what {@link #attendCompressed}
     * left for HCA -> ws.o[t]. The candidates are referenced in place (window ring, this segment's kv
     * rows, compressed entries), never copied. {@code par} null: the heads run on this thread;
     * otherwise in parallel.
     */
    private void attend(Parallel par, Workspace ws, Workspace.Part part, LayerState st, int p0, int row0, int t) {
        int pos = p0 + t - row0;
        int first = Math.max(0, pos - window + 1);
        int nWin = pos - first + 1;
        EntryStore entries = st.entries;
        int nComp = ratio == 4 ? ws.selN[t] : 0; // HCA's entries went through attendCompressed
        int n = nWin + nComp;
        float[][] keyRef = part.keyRef;
        int[] keyOff = part.keyOff;
        for (int j = first; j <= pos; j++) {
            int k = j - first;
            if (j >= p0) {
                keyRef[k] = ws.kv;
                keyOff[k] = (row0 + j - p0) * headDim;
            } else {
                keyRef[k] = st.window;
                keyOff[k] = (j % window) * headDim;
            }
        }
        for (int i = 0; i < nComp; i++) {
            int e = ws.sel[t * indexTopK + i];
            if (entries.direct()) {
                keyRef[nWin + i] = entries.block(e);
                keyOff[nWin + i] = entries.offset(e);
            } else { // compact entries are decoded once per query and shared by all heads
                entries.decode(e, part.decoded, i * headDim);
                keyRef[nWin + i] = part.decoded;
                keyOff[nWin + i] = i * headDim;
            }
        }
        if (par == null) {
            attendHeads(ws, part, t, n, 0, heads);
        } else {
            ws.attendJob.set(this, ws, part, t, n);
            try {
                par.forRange(heads, 4, ws.attendJob);
            } finally {
                ws.attendJob.set(null, null, null, 0, 0);
            }
        }
        rope.angles(pos, part.cs);
        int hd = heads * headDim;
        for (int h = 0; h < heads; h++) rope.rotate(ws.o, t * hd + h * headDim, headDim, part.cs, true);
    }

    /**
     * Sink softmax over the n candidates for heads [h0, h1) of query t (spec §4.4). For HCA the dense
     * pass left a running max m0, denominator l0 and unnormalised output in ws.o; with the new max
     * m ≥ m0 its share is rescaled by e^(m0 − m). Otherwise the sink starts the sums (m0 = sink, l0 = 1).
     *
     * <p>Scores and outputs go a tile of candidates at a time with every head inside, so a tile is
     * read from memory once rather than twice per head (at D = 512, a CSA row's 640 candidates are
     * 1.3 MB: per head they would stream from L3).
     */
    void attendHeads(Workspace ws, Workspace.Part part, int t, int n, int h0, int h1) {
        int hd = heads * headDim, tile = Math.max(8, CANDIDATE_TILE_FLOATS / headDim);
        float[][] ref = part.keyRef;
        int[] off = part.keyOff;
        float[] sc = part.scores;
        boolean dense = dense();
        for (int k0 = 0; k0 < n; k0 += tile) {
            int k1 = Math.min(n, k0 + tile);
            for (int h = h0; h < h1; h++) {
                int qo = t * hd + h * headDim, so = h * n;
                for (int k = k0; k < k1; k++) sc[so + k] = softmaxScale * VectorMath.dot(ws.q, qo, ref[k], off[k], headDim);
            }
        }
        for (int h = h0; h < h1; h++) {
            int qo = t * hd + h * headDim, so = h * n;
            float m0 = dense ? ws.attnMax[t * heads + h] : sink[h];
            float max = m0;
            for (int k = so; k < so + n; k++) if (sc[k] > max) max = sc[k];
            double f = Math.exp(m0 - max);
            double den = (dense ? ws.attnDen[t * heads + h] : 1.0) * f + VectorMath.expShifted(sc, so, n, max);
            float inv = (float) (1.0 / den);
            VectorMath.scale(sc, so, inv, sc, so, n); // the weights p_k
            if (dense) VectorMath.scale(ws.o, qo, (float) (f * inv), ws.o, qo, headDim);
            else java.util.Arrays.fill(ws.o, qo, qo + headDim, 0f);
        }
        for (int k0 = 0; k0 < n; k0 += tile) {
            int k1 = Math.min(n, k0 + tile);
            for (int h = h0; h < h1; h++) {
                int qo = t * hd + h * headDim, so = h * n;
                for (int k = k0; k < k1; k++) VectorMath.axpy(sc[so + k], ref[k], off[k], ws.o, qo, headDim);
            }
        }
    }

    /** HCA: every query attends all complete compressed windows, a prefix shared by the chunk's queries. */
    private boolean dense() {
        return ratio > 4;
    }

    /**
     * HCA's compressed entries for the rows of a segment: ws.o [T, H·D] (unnormalised), ws.attnMax and
     * ws.attnDen [T, H] for {@link #attendHeads} to merge with the window. The (query, head) rows of
     * the segment are taken R = {@link LaneAttention#rows()} at a time, one per vector lane, and a
     * group of {@link #GROUP} such blocks streams through the entries its queries see (a query at
     * position p sees the first (p+1) div ratio): each tile of entries is gathered once into a
     * contiguous buffer (decoded, for compact storage) and used by every block of the group while
     * it is in L1. The groups are dealt round-robin to a few parts (one hand-off per segment and layer).
     */
    private void attendCompressed(Parallel par, Workspace ws, EntryStore entries, int p0, int row0, int len) {
        int R = LaneAttention.rows();
        int blocks = (len * heads + R - 1) / R, groups = (blocks + GROUP - 1) / GROUP;
        int parts = Math.min(groups, PARTS_PER_THREAD * par.threads());
        ws.ensureAttentionParts(parts, TILE, R, window + indexTopK);
        ws.compressedJob.set(this, ws, entries, p0, row0, len, blocks, parts);
        try {
            par.forRange(parts, 1, ws.compressedJob);
        } finally {
            ws.compressedJob.set(null, null, null, 0, 0, 0, 0, 0);
        }
    }

    /** Blocks [b0, b1) of the segment's (query, head) rows, at most {@link #GROUP} (see {@link #attendCompressed}). */
    private void attendGroup(Workspace.Part part, Workspace ws, EntryStore entries, int p0, int row0, int len, int b0, int b1) {
        int R = LaneAttention.rows(), hd = heads * headDim, D = headDim, rows = len * heads, keys = 0;
        for (int b = b0; b < b1; b++) {
            int i = b - b0;
            float[] qt = part.qt[i], m = part.m[i], l = part.l[i];
            int[] limit = part.limit[i];
            int most = 0;
            for (int j = 0; j < R; j++) {
                int r = b * R + j;
                if (r < rows) {
                    int t = r / heads, h = r % heads, q = (row0 + t) * hd + h * D;
                    limit[j] = (p0 + t + 1) / ratio;
                    m[j] = sink[h];
                    for (int d = 0; d < D; d++) qt[d * R + j] = softmaxScale * ws.q[q + d];
                } else { // an unused lane: no keys, zero query
                    limit[j] = 0;
                    m[j] = 0;
                    for (int d = 0; d < D; d++) qt[d * R + j] = 0;
                }
                l[j] = 1;
                most = Math.max(most, limit[j]);
            }
            part.blockKeys[i] = most;
            keys = Math.max(keys, most);
            java.util.Arrays.fill(part.ot[i], 0, D * R, 0f);
        }
        float[] kt = part.keys, s = part.s;
        for (int e0 = 0; e0 < keys; e0 += TILE) {
            int e1 = Math.min(keys, e0 + TILE);
            for (int e = e0, n; e < e1; e += n) { // the tile's entries, contiguous
                if (entries.direct()) {
                    n = Math.min(e1 - e, entries.contiguous(e));
                    System.arraycopy(entries.block(e), entries.offset(e), kt, (e - e0) * D, n * D);
                } else {
                    n = 1;
                    entries.decode(e, kt, (e - e0) * D);
                }
            }
            for (int i = 0; i < b1 - b0; i++) {
                int n = Math.min(e1, part.blockKeys[i]) - e0; // the block's last row sees the most
                if (n <= 0) continue;
                LaneAttention.scores(part.qt[i], D, kt, 0, n, s, 0);
                LaneAttention.softmax(s, 0, n, e0, part.limit[i], part.m[i], part.l[i], part.ot[i], D);
                LaneAttention.accumulate(s, 0, n, kt, 0, D, part.ot[i]);
            }
        }
        for (int b = b0; b < b1; b++) {
            int i = b - b0;
            for (int j = 0; j < R && b * R + j < rows; j++) {
                int r = b * R + j, t = row0 + r / heads, h = r % heads, o = t * hd + h * D;
                ws.attnMax[t * heads + h] = part.m[i][j];
                ws.attnDen[t * heads + h] = part.l[i][j];
                for (int d = 0; d < D; d++) ws.o[o + d] = part.ot[i][d * R + j];
            }
        }
    }

    /** The parts of {@link #attendCompressed}: part p takes groups p, p + parts, ... */
    static final class CompressedJob implements Parallel.Range {
        private Attention attn;
        private Workspace ws;
        private EntryStore entries;
        private int p0, row0, len, blocks, parts;

        void set(Attention attn, Workspace ws, EntryStore entries, int p0, int row0, int len, int blocks, int parts) {
            this.attn = attn;
            this.ws = ws;
            this.entries = entries;
            this.p0 = p0;
            this.row0 = row0;
            this.len = len;
            this.blocks = blocks;
            this.parts = parts;
        }

        @Override
        public void run(int lo, int hi) {
            for (int p = lo; p < hi; p++) {
                for (int b = p * GROUP; b < blocks; b += parts * GROUP) {
                    attn.attendGroup(ws.parts[p], ws, entries, p0, row0, len, b, Math.min(blocks, b + GROUP));
                }
            }
        }
    }

    /** The per-head job of {@link #attend} for a single row, kept in the workspace so decode allocates nothing. */
    static final class AttendJob implements Parallel.Range {
        private Attention attn;
        private Workspace ws;
        private Workspace.Part part;
        private int t, n;

        void set(Attention attn, Workspace ws, Workspace.Part part, int t, int n) {
            this.attn = attn;
            this.ws = ws;
            this.part = part;
            this.t = t;
            this.n = n;
        }

        @Override
        public void run(int lo, int hi) {
            attn.attendHeads(ws, part, t, n, lo, hi);
        }
    }

    /** The parts of {@link #attendRows}: part p takes a contiguous range of the segment's rows. */
    static final class RowsJob implements Parallel.Range {
        private Attention attn;
        private Workspace ws;
        private LayerState st;
        private int p0, row0, len, parts;

        void set(Attention attn, Workspace ws, LayerState st, int p0, int row0, int len, int parts) {
            this.attn = attn;
            this.ws = ws;
            this.st = st;
            this.p0 = p0;
            this.row0 = row0;
            this.len = len;
            this.parts = parts;
        }

        @Override
        public void run(int lo, int hi) {
            for (int p = lo; p < hi; p++) {
                int t0 = Workspace.partStart(row0, len, p, parts), t1 = Workspace.partStart(row0, len, p + 1, parts);
                for (int t = t0; t < t1; t++) attn.attend(null, ws, ws.parts[p], st, p0, row0, t);
            }
        }
    }

    /** Keep the last {@code window} kv vectors in the ring (slot = position mod window). */
    private void updateWindow(Workspace ws, LayerState st, int p0, int row0, int len) {
        for (int t = Math.max(0, len - window); t < len; t++) {
            System.arraycopy(ws.kv, (row0 + t) * headDim, st.window, ((p0 + t) % window) * headDim, headDim);
        }
    }
}
