package io.jseek.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Dot products and small vector operations; each SIMD routine has a plain scalar twin for tests. */
public final class VectorMath {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Float lanes per vector (8 with AVX2). */
    static final int L = F.length();
    /** Int, short and byte species with as many lanes as {@link #F}: narrow codes widen lane for lane. */
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private VectorMath() {
    }

    /** Σ a[ao+i]·b[bo+i], i < n (SIMD). */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (int ub = F.loopBound(n); i < ub; i += F.length()) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    public static float dotScalar(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /** Σ W[i]·x[xo+i] for the little-endian floats of {@code w} (4 accumulators hide the FMA latency). */
    static float dotF32(MemorySegment w, long off, float[] x, int xo, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            a0 = FloatVector.fromMemorySegment(F, w, off + 4L * i, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = FloatVector.fromMemorySegment(F, w, off + 4L * (i + L), ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
            a2 = FloatVector.fromMemorySegment(F, w, off + 4L * (i + 2 * L), ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, xo + i + 2 * L), a2);
            a3 = FloatVector.fromMemorySegment(F, w, off + 4L * (i + 3 * L), ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, xo + i + 3 * L), a3);
        }
        for (; i + L <= n; i += L) {
            a0 = FloatVector.fromMemorySegment(F, w, off + 4L * i, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, xo + i), a0);
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += w.get(F32, off + 4L * i) * x[xo + i];
        return s;
    }

    /**
     * The power-of-two exponent k by which the decode kernels pre-scale x. Their SIMD decoders build
     * floats equal to a code's value times 2^-bias; multiplying those by 2^bias per weight would cost a
     * multiply per vector, so x is scaled instead, once per call, to put max|x| near 2^100: then the
     * products stay normal floats (no subnormal rounding) and far from overflow, and the sums are the
     * exact-value sums times 2^(k-bias), undone with the per-block scale. k is clamped so that
     * 2^k and 2^(bias-k) are normal floats.
     */
    static int prescaleExponent(float[] x, int xo, int n, int bias) {
        FloatVector m = FloatVector.zero(F);
        int i = 0;
        for (int ub = F.loopBound(n); i < ub; i += L) m = m.max(FloatVector.fromArray(F, x, xo + i).abs());
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, Math.abs(x[xo + i]));
        int e = Float.isNaN(max) ? Float.MAX_EXPONENT + 1 : Math.getExponent(max);
        return Math.clamp(100 - e, bias + Float.MIN_EXPONENT, Float.MAX_EXPONENT);
    }

    /** dst[d+i] = f·src[so+i], i < n. */
    static void scale(float[] src, int so, float f, float[] dst, int d, int n) {
        int i = 0;
        for (int ub = F.loopBound(n); i < ub; i += L) FloatVector.fromArray(F, src, so + i).mul(f).intoArray(dst, d + i);
        for (; i < n; i++) dst[d + i] = src[so + i] * f;
    }

    /** out = w ⊙ x / sqrt(mean(x²) + eps); w may be null for the unweighted norm. In place allowed. */
    public static void rmsNorm(float[] x, int xo, float[] w, float eps, float[] out, int oo, int n) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[xo + i] * x[xo + i];
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        if (w == null) for (int i = 0; i < n; i++) out[oo + i] = x[xo + i] * inv;
        else for (int i = 0; i < n; i++) out[oo + i] = w[i] * (x[xo + i] * inv);
    }

    /** y[yo+i] += a·x[xo+i]. */
    public static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] += a * x[xo + i];
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
