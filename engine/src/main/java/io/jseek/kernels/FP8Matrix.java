package io.jseek.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * fp8 e4m3fn weights with one e8m0 scale per 128×128 block (spec §10.1):
 * {@code W[o][i] = e4m3(Q[o][i]) · 2^(S[o/128][i/128] − 127)}.
 */
public final class FP8Matrix implements WeightMatrix {
    static final int BLOCK = 128;
    private final MemorySegment q, scale;
    private final int rows, cols, scaleCols;

    public FP8Matrix(MemorySegment q, MemorySegment scale, int rows, int cols) {
        this.q = q;
        this.scale = scale;
        this.rows = rows;
        this.cols = cols;
        this.scaleCols = (cols + BLOCK - 1) / BLOCK;
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public String format() { return "FP8"; }
    @Override public long bytes() { return (long) rows * cols + scale.byteSize(); }

    float blockScale(int r, int cb) {
        return Codecs.E8M0[scale.get(ValueLayout.JAVA_BYTE, (long) (r / BLOCK) * scaleCols + cb) & 0xFF];
    }

    @Override
    public void row(int r, float[] out, int off) {
        long base = (long) r * cols;
        for (int c = 0; c < cols; c++) {
            out[off + c] = Codecs.E4M3[q.get(ValueLayout.JAVA_BYTE, base + c) & 0xFF] * blockScale(r, c / BLOCK);
        }
    }

    @Override
    public void matmul(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        if (T == 1) {
            for (int r = r0; r < r1; r++) {
                float acc = 0;
                long base = (long) r * cols;
                for (int cb = 0; cb < scaleCols; cb++) {
                    int c0 = cb * BLOCK, n = Math.min(BLOCK, cols - c0);
                    acc += blockScale(r, cb) * VectorMath.dotE4M3(q, base + c0, x, xOff + c0, n);
                }
                y[yOff + r] = acc;
            }
            return;
        }
        float[] w = Scratch.row(cols);
        for (int r = r0; r < r1; r++) {
            row(r, w, 0);
            for (int t = 0; t < T; t++) y[yOff + t * yStride + r] = VectorMath.dot(w, 0, x, xOff + t * xStride, cols);
        }
    }
}
