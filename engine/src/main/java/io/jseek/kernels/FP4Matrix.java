package io.jseek.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * fp4 e2m1 weights packed two per byte along the input dimension (low nibble = element 2k,
 * high nibble = element 2k+1) with one e8m0 scale per 32 inputs of a row (spec §10.2).
 */
public final class FP4Matrix implements WeightMatrix {
    static final int GROUP = 32;
    private final MemorySegment q, scale;
    private final int rows, cols, scaleCols;

    public FP4Matrix(MemorySegment q, MemorySegment scale, int rows, int cols) {
        this.q = q;
        this.scale = scale;
        this.rows = rows;
        this.cols = cols;
        this.scaleCols = (cols + GROUP - 1) / GROUP;
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public String format() { return "FP4"; }
    @Override public long bytes() { return (long) rows * cols / 2 + scale.byteSize(); }

    float groupScale(int r, int g) {
        return Codecs.E8M0[scale.get(ValueLayout.JAVA_BYTE, (long) r * scaleCols + g) & 0xFF];
    }

    @Override
    public void row(int r, float[] out, int off) {
        long base = (long) r * (cols / 2);
        for (int c = 0; c < cols; c += 2) {
            int b = q.get(ValueLayout.JAVA_BYTE, base + c / 2) & 0xFF;
            float s = groupScale(r, c / GROUP);
            out[off + c] = Codecs.E2M1[b & 0xF] * s;
            out[off + c + 1] = Codecs.E2M1[b >>> 4] * s;
        }
    }

    @Override
    public void matmul(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        if (T == 1) {
            for (int r = r0; r < r1; r++) {
                float acc = 0;
                long base = (long) r * (cols / 2);
                for (int g = 0; g < scaleCols; g++) {
                    int c0 = g * GROUP, n = Math.min(GROUP, cols - c0);
                    acc += groupScale(r, g) * VectorMath.dotE2M1(q, base + c0 / 2, x, xOff + c0, n);
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
