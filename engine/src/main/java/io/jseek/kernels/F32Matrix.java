package io.jseek.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Plain little-endian float32 weights. */
public final class F32Matrix implements WeightMatrix, Gemm.Tiles {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment data;
    private final int rows, cols;

    public F32Matrix(MemorySegment data, int rows, int cols) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public String format() { return "F32"; }
    @Override public long bytes() { return (long) rows * cols * 4; }

    /** Scalar read: the oracle for the SIMD paths. */
    @Override
    public void row(int r, float[] out, int off) {
        long base = (long) r * cols * 4;
        for (int c = 0; c < cols; c++) out[off + c] = data.get(F32, base + 4L * c);
    }

    @Override
    public void matmul(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        if (T == 1) {
            for (int r = r0; r < r1; r++) y[yOff + r] = VectorMath.dotF32(data, (long) r * cols * 4, x, xOff, cols);
        } else {
            Gemm.matmul(this, cols, x, xOff, xStride, y, yOff, yStride, T, r0, r1);
        }
    }

    @Override
    public void decode(int r, int c0, int n, float[] dst, int off) {
        MemorySegment.copy(data, F32, ((long) r * cols + c0) * 4, dst, off, n);
    }
}
