package io.jseek.model;

import io.jseek.config.ModelConfig;

/**
 * Scratch buffers for one forward call over a chunk of up to {@link #capacity} tokens. Allocated once
 * and regrown only when a longer chunk (or a longer candidate list) arrives, so the decode loop
 * (chunks of one token) never allocates. Shapes are given per token.
 */
final class Workspace {
    final ModelConfig c;
    int capacity;
    Trace trace; // optional observer

    float[] H, R;                 // [T, hc·d] streams, block-input copy
    float[] x, xn, f, y;          // [T, d]
    float[] mixes;                // [T, mix]
    float[] post, comb;           // [T, hc], [T, hc, hc]
    final double[] sinkhorn;      // [hc, hc]
    float[] qr;                   // [T, q_lora]
    float[] q, o;                 // [T, H·D]
    float[] kv;                   // [T, D]
    float[] u;                    // [T, G·R]
    float[] ck, cg;               // [T, c·Dc] compressor projections
    float[] qi;                   // [T, IH·ID]
    float[] wi;                   // [T, IH]
    int[] sel;                    // [T, IK] indexer selections
    int[] selN;                   // [T]
    float[] selScore;             // [T, IK] scores of the running top-k heaps
    float[] attnMax, attnDen;     // [T, H] running softmax max and denominator after the dense compressed pass
    final Indexer.IndexJob indexJob = new Indexer.IndexJob();
    final Attention.CompressedJob compressedJob = new Attention.CompressedJob();
    Part[] parts = new Part[0];   // scratch of the parts of a parallel indexer or attention pass
    final float[] cs;             // [rd] rope cos|sin
    final float[] entry;          // [max(D, ID)]
    final byte[] rowScratch;             // one encoded row
    final Attention.AttendJob attendJob = new Attention.AttendJob();
    final Attention.RowsJob rowsJob = new Attention.RowsJob();
    float[] gateLogits;           // [T, E]
    int[] route;                  // [T, K]
    float[] routeW;               // [T, K]
    final float[] routeScore;     // [E]
    final float[] routeBiased;    // [E]
    int[] expertRows;             // [T·K] token rows grouped by expert
    final int[] expertCount;      // [E]
    float[] ex, eg, eu, ey;       // [T·K, d], [T·K, I], [T·K, I], [T·K, d] rows gathered per expert
    float[] ew;                   // [T·K]

    Workspace(ModelConfig c) {
        this.c = c;
        this.sinkhorn = new double[c.hcMult() * c.hcMult()];
        this.cs = new float[c.ropeDim()];
        this.entry = new float[Math.max(c.headDim(), c.indexHeadDim())];
        this.rowScratch = new byte[4 * Math.max(c.headDim(), c.indexHeadDim())];
        this.routeScore = new float[c.nRoutedExperts()];
        this.routeBiased = new float[c.nRoutedExperts()];
        this.expertCount = new int[c.nRoutedExperts()];
        ensure(1);
    }

    void ensure(int T) {
        if (T <= capacity) return;
        int d = c.dim(), hc = c.hcMult();
        H = new float[T * hc * d];
        R = new float[T * hc * d];
        x = new float[T * d];
        xn = new float[T * d];
        f = new float[T * d];
        y = new float[T * d];
        mixes = new float[T * c.hcMix()];
        post = new float[T * hc];
        comb = new float[T * hc * hc];
        qr = new float[T * c.qLoraRank()];
        q = new float[T * c.nHeads() * c.headDim()];
        o = new float[T * c.nHeads() * c.headDim()];
        kv = new float[T * c.headDim()];
        u = new float[T * c.oGroups() * c.oLoraRank()];
        int cw = 2 * Math.max(c.headDim(), c.indexHeadDim());
        ck = new float[T * cw];
        cg = new float[T * cw];
        qi = new float[T * c.indexHeads() * c.indexHeadDim()];
        wi = new float[T * c.indexHeads()];
        sel = new int[T * Math.max(1, c.indexTopK())];
        selN = new int[T];
        selScore = new float[T * Math.max(1, c.indexTopK())];
        attnMax = new float[T * c.nHeads()];
        attnDen = new float[T * c.nHeads()];
        gateLogits = new float[T * c.nRoutedExperts()];
        route = new int[T * c.nActivatedExperts()];
        routeW = new float[T * c.nActivatedExperts()];
        expertRows = new int[T * c.nActivatedExperts()];
        int rows = T * c.nActivatedExperts(); // a hash table with a repeated id sends a token twice
        ex = new float[rows * d];
        eg = new float[Math.max(rows, T) * c.moeInterDim()];
        eu = new float[Math.max(rows, T) * c.moeInterDim()];
        ey = new float[rows * d];
        ew = new float[rows];
        capacity = T;
    }

    /**
     * Scratch of one part of a parallel pass: each part runs on one thread at a time, so its buffers
     * need no sharing. Grown by {@link #ensureIndexParts} and {@link #ensureAttentionParts} on the
     * caller's thread before the pass starts.
     */
    static final class Part {
        float[] keyTile = new float[0];  // indexer: key tile, channel-major [ID, STRIDE]
        float[] tileScores = new float[0]; // indexer: one query's scores of the tile [TILE]
        final float[] row;               // one decoded compact-storage row [max(D, ID)]
        float[] keys = new float[0];     // attention: a tile of compressed entries, contiguous [TILE, D]
        float[] s = new float[0];        // attention: lane-major scores of a tile [TILE, R]
        // attention, per block of a group: lane-major query and output [D, R], running max and
        // denominator [R], per lane the entries its query sees [R], and the block's most entries
        float[][] qt = new float[0][], ot = new float[0][], m = new float[0][], l = new float[0][];
        int[][] limit = new int[0][];
        int[] blockKeys = new int[0];
        float[][] keyRef = new float[0][]; // attention: candidate key k of a row lives in keyRef[k] at keyOff[k]
        int[] keyOff = new int[0];
        float[] scores = new float[0];   // attention: the candidates' scores per head [H, n]
        float[] decoded = new float[0];  // attention: a row's compact-storage selected entries, decoded [IK, D]
        final float[] cs;                // rope cos|sin [rd]

        Part(int rowDim, int ropeDim) {
            this.row = new float[rowDim];
            this.cs = new float[ropeDim];
        }
    }

    /** The first of the rows [row0, row0 + len) that part p of {@code parts} takes (its end is part p + 1's start). */
    static int partStart(int row0, int len, int p, int parts) {
        return row0 + (int) ((long) len * p / parts);
    }

    /** Indexer scratch for n parts: key tiles of {@code tile} keys, {@code stride} floats per channel. */
    void ensureIndexParts(int n, int tile, int stride) {
        growParts(n);
        for (int i = 0; i < n; i++) {
            Part p = parts[i];
            if (p.keyTile.length < stride * c.indexHeadDim()) p.keyTile = new float[stride * c.indexHeadDim()];
            if (p.tileScores.length < tile) p.tileScores = new float[tile];
        }
    }

    /**
     * Attention scratch for n parts: tiles of {@code tile} keys, blocks of {@code lanes} rows, and up
     * to {@code candidates} keys of a row's own.
     */
    void ensureAttentionParts(int n, int tile, int lanes, int candidates) {
        growParts(n);
        int D = c.headDim();
        for (int i = 0; i < n; i++) {
            Part p = parts[i];
            if (p.keyRef.length < candidates) {
                p.keyRef = new float[candidates][];
                p.keyOff = new int[candidates];
                p.scores = new float[candidates * c.nHeads()];
                p.decoded = new float[Math.max(1, c.indexTopK()) * D];
            }
            if (p.keys.length < tile * D) p.keys = new float[tile * D];
            if (p.s.length < tile * lanes) p.s = new float[tile * lanes];
            if (p.qt.length < Attention.GROUP || p.qt[0].length < D * lanes) {
                int g = Attention.GROUP;
                p.qt = new float[g][D * lanes];
                p.ot = new float[g][D * lanes];
                p.m = new float[g][lanes];
                p.l = new float[g][lanes];
                p.limit = new int[g][lanes];
                p.blockKeys = new int[g];
            }
        }
    }

    private void growParts(int n) {
        if (parts.length >= n) return;
        Part[] p = java.util.Arrays.copyOf(parts, n);
        for (int i = parts.length; i < n; i++) p[i] = new Part(Math.max(c.headDim(), c.indexHeadDim()), c.ropeDim());
        parts = p;
    }
}
