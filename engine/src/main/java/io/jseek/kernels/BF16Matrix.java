package io.jseek.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** bfloat16 weights: the top 16 bits of a float32. */
public final class BF16Matrix implements WeightMatrix {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment data;
    private final int rows, cols;

    public BF16Matrix(MemorySegment data, int rows, int cols) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public String format() { return "BF16"; }
    @Override public long bytes() { return (long) rows * cols * 2; }

    @Override
    public void row(int r, float[] out, int off) {
        long base = (long) r * cols * 2;
        for (int c = 0; c < cols; c++) out[off + c] = Codecs.bf16ToFloat(data.get(I16, base + 2L * c));
    }

    @Override
    public void matmul(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        long rowBytes = (long) cols * 2;
        if (T == 1) {
            for (int r = r0; r < r1; r++) y[yOff + r] = VectorMath.dotBF16(data.asSlice(r * rowBytes, rowBytes), x, xOff, cols);
            return;
        }
        float[] w = Scratch.row(cols);
        for (int r = r0; r < r1; r++) {
            row(r, w, 0);
            for (int t = 0; t < T; t++) y[yOff + t * yStride + r] = VectorMath.dot(w, 0, x, xOff + t * xStride, cols);
        }
    }
}
