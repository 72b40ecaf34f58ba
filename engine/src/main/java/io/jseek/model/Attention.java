package io.jseek.model;

import io.jseek.config.ModelConfig;
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
            for (int t = 0; t < b.segLen[s]; t++) attend(par, ws, st, b.segP0[s], b.segStart[s], b.segStart[s] + t);
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
     * Attention of row t (position p0 + t − row0 of a segment starting at row0) over its candidate keys
     * -> ws.o[t]. The candidates are referenced in place (window ring, this segment's kv rows, compressed
     * entries), never copied; heads run in parallel.
     */
    private void attend(Parallel par, Workspace ws, LayerState st, int p0, int row0, int t) {
        int pos = p0 + t - row0;
        int first = Math.max(0, pos - window + 1);
        int nWin = pos - first + 1;
        EntryStore entries = st.entries;
        int nComp = switch (ratio) {
            case 0 -> 0;
            case 4 -> ws.selN[t];
            default -> (pos + 1) / ratio;
        };
        int n = nWin + nComp;
        ws.ensureCandidates(n);
        for (int j = first; j <= pos; j++) {
            int k = j - first;
            if (j >= p0) {
                ws.keyRef[k] = ws.kv;
                ws.keyOff[k] = (row0 + j - p0) * headDim;
            } else {
                ws.keyRef[k] = st.window;
                ws.keyOff[k] = (j % window) * headDim;
            }
        }
        if (nComp > 0 && !entries.direct()) ws.ensureDecoded(nComp * headDim);
        for (int i = 0; i < nComp; i++) {
            int e = ratio == 4 ? ws.sel[t * indexTopK + i] : i;
            if (entries.direct()) {
                ws.keyRef[nWin + i] = entries.block(e);
                ws.keyOff[nWin + i] = entries.offset(e);
            } else { // compact entries are decoded once per query and shared by all heads
                entries.decode(e, ws.decoded, i * headDim);
                ws.keyRef[nWin + i] = ws.decoded;
                ws.keyOff[nWin + i] = i * headDim;
            }
        }
        ws.attendJob.set(this, ws, t, n);
        par.forRange(heads, 4, ws.attendJob);
        rope.angles(pos, ws.cs);
        int hd = heads * headDim;
        for (int h = 0; h < heads; h++) rope.rotate(ws.o, t * hd + h * headDim, headDim, ws.cs, true);
    }

    /** Sink softmax over the n candidates for heads [h0, h1) of query t (spec §4.4). */
    void attendHeads(Workspace ws, int t, int n, int h0, int h1) {
        int hd = heads * headDim;
        float[][] ref = ws.keyRef;
        int[] off = ws.keyOff;
        for (int h = h0; h < h1; h++) {
            float[] sc = ws.scores;
            int so = h * n;
            int qo = t * hd + h * headDim;
            float max = sink[h];
            for (int k = 0; k < n; k++) {
                float z = softmaxScale * VectorMath.dot(ws.q, qo, ref[k], off[k], headDim);
                sc[so + k] = z;
                if (z > max) max = z;
            }
            double den = Math.exp(sink[h] - max);
            for (int k = 0; k < n; k++) {
                float p = (float) Math.exp(sc[so + k] - max);
                sc[so + k] = p;
                den += p;
            }
            float inv = (float) (1.0 / den);
            java.util.Arrays.fill(ws.o, qo, qo + headDim, 0f);
            for (int k = 0; k < n; k++) VectorMath.axpy(sc[so + k] * inv, ref[k], off[k], ws.o, qo, headDim);
        }
    }

    /** The per-head job of {@link #attend}, kept in the workspace so decode allocates nothing. */
    static final class AttendJob implements Parallel.Range {
        private Attention attn;
        private Workspace ws;
        private int t, n;

        void set(Attention attn, Workspace ws, int t, int n) {
            this.attn = attn;
            this.ws = ws;
            this.t = t;
            this.n = n;
        }

        @Override
        public void run(int lo, int hi) {
            attn.attendHeads(ws, t, n, lo, hi);
        }
    }

    /** Keep the last {@code window} kv vectors in the ring (slot = position mod window). */
    private void updateWindow(Workspace ws, LayerState st, int p0, int row0, int len) {
        for (int t = Math.max(0, len - window); t < len; t++) {
            System.arraycopy(ws.kv, (row0 + t) * headDim, st.window, ((p0 + t) % window) * headDim, headDim);
        }
    }
}
