package io.jseek.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.jseek.kernels.VectorMath.F;
import static io.jseek.kernels.VectorMath.I;
import static io.jseek.kernels.VectorMath.L;
import static io.jseek.kernels.VectorMath.S;

/** bfloat16 weights: the top 16 bits of a float32 (SIMD: widen L shorts to ints, shift left by 16). */
public final class BF16Matrix implements WeightMatrix, Gemm.Tiles {
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

    /** Scalar decoding: the oracle for the SIMD paths. */
    @Override
    public void row(int r, float[] out, int off) {
        long base = (long) r * cols * 2;
        for (int c = 0; c < cols; c++) out[off + c] = Codecs.bf16ToFloat(data.get(I16, base + 2L * c));
    }

    /** The L weights at byte offset {@code off}. */
    private FloatVector values(long off) {
        IntVector v = (IntVector) ShortVector.fromMemorySegment(S, data, off, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, I, 0);
        return v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override
    public void matmul(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        if (T == 1) {
            for (int r = r0; r < r1; r++) y[yOff + r] = dotRow(r, x, xOff);
        } else {
            Gemm.matmul(this, cols, x, xOff, xStride, y, yOff, yStride, T, r0, r1);
        }
    }

    /** Decode: one pass over the row, 4 accumulators to hide the FMA latency. */
    private float dotRow(int r, float[] x, int xo) {
        long base = (long) r * cols * 2;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * L <= cols; i += 4 * L) {
            long o = base + 2L * i;
            a0 = values(o).fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = values(o + 2L * L).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
            a2 = values(o + 4L * L).fma(FloatVector.fromArray(F, x, xo + i + 2 * L), a2);
            a3 = values(o + 6L * L).fma(FloatVector.fromArray(F, x, xo + i + 3 * L), a3);
        }
        for (; i + L <= cols; i += L) a0 = values(base + 2L * i).fma(FloatVector.fromArray(F, x, xo + i), a0);
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) s += Codecs.bf16ToFloat(data.get(I16, base + 2L * i)) * x[xo + i];
        return s;
    }

    @Override
    public void decode(int r, int c0, int n, float[] dst, int off) {
        long base = ((long) r * cols + c0) * 2;
        int i = 0;
        for (; i + L <= n; i += L) values(base + 2L * i).intoArray(dst, off + i);
        for (; i < n; i++) dst[off + i] = Codecs.bf16ToFloat(data.get(I16, base + 2L * i));
    }
}
