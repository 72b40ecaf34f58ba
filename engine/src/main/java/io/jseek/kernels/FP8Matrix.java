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
 * bit 31. The prefill tile multiplies by 2^120; decode instead folds that factor and the block
 * scales of a 128-row band into a scaled copy of x ({@link #scaleInputs}), saving the per-block work.
 * Decode also reads the codes {@link #RUN} = 4·L at a time as L int lanes: byte k of lane i is
 * column 4i+k, shifted to the top of the lane and arithmetic-shifted down by 4, which puts its sign
 * at bit 31 and its magnitude at bits 20..26 (one wide load and three operations per L codes instead
 * of a load and a widening per L codes); the scaled copy of x is permuted to match.
 * The NaN codes 0x7F/0xFF come out as ±480 instead of NaN: checkpoint
 * weights never hold NaN, and {@link #row} (the scalar oracle) still decodes them as NaN.
 */
public final class FP8Matrix implements WeightMatrix, Gemm.Tiles {
    static final int BLOCK = 128;
    /** Columns per decode step (divides BLOCK): 4 codes in each of L int lanes. */
    static final int RUN = 4 * L;
    private static final int BIAS = 120;
    private static final float UNBIAS = 0x1p120f;
    private final MemorySegment q, scale;
    private final int rows, cols, scaleCols, runCols;

    public FP8Matrix(MemorySegment q, MemorySegment scale, int rows, int cols) {
        this.q = q;
        this.scale = scale;
        this.rows = rows;
        this.cols = cols;
        this.scaleCols = (cols + BLOCK - 1) / BLOCK;
        this.runCols = cols / RUN * RUN;
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

    /** Byte k of every int lane of {@code v} as floats, 2^-120 times their values. */
    private static FloatVector codeK(IntVector v, int k) {
        IntVector top = k == 3 ? v : v.lanewise(VectorOperators.LSHL, 8 * (3 - k));
        return top.lanewise(VectorOperators.ASHR, 4).and(0x87F00000).reinterpretAsFloats();
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
        Scratch scratch = Scratch.get();
        float[] xp = scratch.xp(cols), xs = scratch.xs(cols);
        byte[] sb = scratch.scales(scaleCols);
        int[] bx = scratch.ints(scaleCols);
        VectorMath.laneOrder(x, xOff, cols, 4, xp, 0); // decode order: position L·k + i holds column 4i + k
        for (int cb = 0; cb < scaleCols; cb++) {
            int c0 = cb * BLOCK;
            bx[cb] = maxExponent(xp, c0, Math.min(BLOCK, cols - c0));
        }
        for (int band0 = r0; band0 < r1; ) {
            int band = band0 / BLOCK, end = Math.min(r1, (band + 1) * BLOCK);
            MemorySegment.copy(scale, ValueLayout.JAVA_BYTE, (long) band * scaleCols, sb, 0, scaleCols);
            float unscale = scaleInputs(xp, bx, sb, xs);
            if (unscale > 0) {
                for (int r = band0; r < end; r++) y[yOff + r] = dotScaled(r, xs) * unscale;
            } else {
                int k = VectorMath.prescaleExponent(x, xOff, cols, BIAS);
                VectorMath.scale(x, xOff, Math.scalb(1f, k), xs, 0, cols);
                float u = Math.scalb(1f, BIAS - k);
                for (int r = band0; r < end; r++) y[yOff + r] = dotRow(r, xs, u, x, xOff);
            }
            band0 = end;
        }
    }

    /** The exponent of max|x[xo .. xo+n)|, {@code Float.MIN_EXPONENT - 1} if all are zero. */
    private static int maxExponent(float[] x, int xo, int n) {
        FloatVector mv = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= n; i += L) mv = mv.max(FloatVector.fromArray(F, x, xo + i).abs());
        float m = mv.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, Math.abs(x[xo + i]));
        return Math.getExponent(m);
    }

    /**
     * The fast decode path of one 128-row band folds the band's block scales into the inputs:
     * {@code xs = x · 2^(e_cb − 127 + k)} block by block (x already in decode order), with k putting the largest scaled block near
     * 2^100 (products stay normal floats, far from overflow), so a row is one plain dot product without
     * per-block sums. Returns the factor 2^(120 − k) that undoes k and the decoder's 2^-120, or 0 if a
     * factor would leave the normal float range (extreme scales or inputs): then the caller uses the
     * per-block path.
     */
    private float scaleInputs(float[] xp, int[] bx, byte[] sb, float[] xs) {
        int m = Integer.MIN_VALUE;
        for (int cb = 0; cb < scaleCols; cb++) {
            int e = sb[cb] & 0xFF;
            if (e == 0xFF) return 0; // NaN scale
            if (bx[cb] >= Float.MIN_EXPONENT) m = Math.max(m, bx[cb] + e - 127);
        }
        if (m == Integer.MIN_VALUE) m = 0; // x is zero
        int k = 100 - m;
        if (BIAS - k < Float.MIN_EXPONENT || BIAS - k > Float.MAX_EXPONENT) return 0;
        for (int cb = 0; cb < scaleCols; cb++) {
            int f = (sb[cb] & 0xFF) - 127 + k, c0 = cb * BLOCK, n = Math.min(BLOCK, cols - c0);
            if (bx[cb] < Float.MIN_EXPONENT) f = 0; // a zero block: any factor
            if (f < Float.MIN_EXPONENT || f > Float.MAX_EXPONENT) return 0;
            VectorMath.scale(xp, c0, Math.scalb(1f, f), xs, c0, n); // a block is contiguous in decode order too
        }
        return Math.scalb(1f, BIAS - k);
    }

    /**
     * Σ codes · xs over the row: full runs in decode order (the 4 bytes of a lane feed 4 independent
     * accumulators), then the rest in natural order; the scalar tail decodes with the same 2^-120 factor.
     */
    private float dotScaled(int r, float[] xs) {
        long o = (long) r * cols;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i < runCols; i += RUN) {
            IntVector v = IntVector.fromMemorySegment(I, q, o + i, ByteOrder.LITTLE_ENDIAN);
            a0 = codeK(v, 0).fma(FloatVector.fromArray(F, xs, i), a0);
            a1 = codeK(v, 1).fma(FloatVector.fromArray(F, xs, i + L), a1);
            a2 = codeK(v, 2).fma(FloatVector.fromArray(F, xs, i + 2 * L), a2);
            a3 = codeK(v, 3).fma(FloatVector.fromArray(F, xs, i + 3 * L), a3);
        }
        for (; i + L <= cols; i += L) a0 = codes(o + i).fma(FloatVector.fromArray(F, xs, i), a0);
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) s += Codecs.E4M3[q.get(ValueLayout.JAVA_BYTE, o + i) & 0xFF] * 0x1p-120f * xs[i];
        return s;
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
