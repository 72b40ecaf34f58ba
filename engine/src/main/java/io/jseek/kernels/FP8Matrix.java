package io.jseek.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.jseek.kernels.VectorMath.B;
import static io.jseek.kernels.VectorMath.F;
import static io.jseek.kernels.VectorMath.I;
import static io.jseek.kernels.VectorMath.L;

/**
 * fp8 e4m3fn weights with one e8m0 scale per 128×128 block (spec §10.1):
 * {@code W[o][i] = e4m3(Q[o][i]) · 2^(S[o/128][i/128] − 127)}.
 *
 * <p>The SIMD paths decode e4m3 without a table: shifting the 7 magnitude bits of a code left by 20
 * puts exponent and mantissa exactly where a float32 has them, so that float is the code's value
 * times 2^-120 (subnormal codes land on float32 subnormals, exact as well); the sign bit moves to
 * bit 31. The prefill tile multiplies by 2^120; decode instead pre-scales x
 * ({@link VectorMath#prescaleExponent}), saving a multiply per vector. The NaN codes 0x7F/0xFF come out as ±480 instead of NaN: checkpoint
 * weights never hold NaN, and {@link #row} (the scalar oracle) still decodes them as NaN.
 */
public final class FP8Matrix implements WeightMatrix, Gemm.Tiles {
    static final int BLOCK = 128;
    private static final int BIAS = 120;
    private static final float UNBIAS = 0x1p120f;
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

    /** Scalar decoding by table: the oracle for the SIMD paths. */
    @Override
    public void row(int r, float[] out, int off) {
        long base = (long) r * cols;
        for (int c = 0; c < cols; c++) {
            out[off + c] = Codecs.E4M3[q.get(ValueLayout.JAVA_BYTE, base + c) & 0xFF] * blockScale(r, c / BLOCK);
        }
    }

    /** The L codes at byte offset {@code off} as floats, 2^-120 times their values. */
    private FloatVector codes(long off) {
        IntVector v = (IntVector) ByteVector.fromMemorySegment(B, q, off, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, I, 0);
        return v.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats();
    }

    @Override
    public void matmul(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        if (T != 1) {
            Gemm.matmul(this, cols, x, xOff, xStride, y, yOff, yStride, T, r0, r1);
            return;
        }
        int k = VectorMath.prescaleExponent(x, xOff, cols, BIAS);
        float[] xs = Scratch.get().xp(cols);
        VectorMath.scale(x, xOff, Math.scalb(1f, k), xs, 0, cols);
        float unscale = Math.scalb(1f, BIAS - k);
        for (int r = r0; r < r1; r++) y[yOff + r] = dotRow(r, xs, unscale, x, xOff);
    }

    /**
     * Decode: one pass over the row's bytes, each 128-column block summed in 4 independent
     * accumulators (to hide the FMA latency) and scaled once. {@code xs} is x times 2^k and
     * {@code unscale} is 2^(120-k); the scalar tails of blocks use the plain {@code x}.
     */
    private float dotRow(int r, float[] xs, float unscale, float[] x, int xo) {
        long base = (long) r * cols;
        FloatVector total = FloatVector.zero(F);
        float tail = 0;
        for (int cb = 0; cb < scaleCols; cb++) {
            int c0 = cb * BLOCK, n = Math.min(BLOCK, cols - c0), i = 0;
            long o = base + c0;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (; i + 4 * L <= n; i += 4 * L) {
                a0 = codes(o + i).fma(FloatVector.fromArray(F, xs, c0 + i), a0);
                a1 = codes(o + i + L).fma(FloatVector.fromArray(F, xs, c0 + i + L), a1);
                a2 = codes(o + i + 2 * L).fma(FloatVector.fromArray(F, xs, c0 + i + 2 * L), a2);
                a3 = codes(o + i + 3 * L).fma(FloatVector.fromArray(F, xs, c0 + i + 3 * L), a3);
            }
            for (; i + L <= n; i += L) a0 = codes(o + i).fma(FloatVector.fromArray(F, xs, c0 + i), a0);
            float s = blockScale(r, cb);
            total = a0.add(a1).add(a2.add(a3)).fma(FloatVector.broadcast(F, s * unscale), total);
            float ts = 0;
            for (; i < n; i++) ts += Codecs.E4M3[q.get(ValueLayout.JAVA_BYTE, o + i) & 0xFF] * x[xo + c0 + i];
            tail += ts * s;
        }
        return total.reduceLanes(VectorOperators.ADD) + tail;
    }

    @Override
    public void decode(int r, int c0, int n, float[] dst, int off) {
        long base = (long) r * cols;
        for (int b0 = 0; b0 < n; b0 += BLOCK) {
            int m = Math.min(BLOCK, n - b0), i = 0;
            float s = blockScale(r, (c0 + b0) / BLOCK);
            long o = base + c0 + b0;
            int d = off + b0;
            for (; i + L <= m; i += L) codes(o + i).mul(UNBIAS).mul(s).intoArray(dst, d + i);
            for (; i < m; i++) dst[d + i] = Codecs.E4M3[q.get(ValueLayout.JAVA_BYTE, o + i) & 0xFF] * s;
        }
    }
}
