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

    /**
     * x[xo .. xo+n) in the column order of a decode kernel that holds {@code perLane} codes in each of
     * L int lanes: within each full run of perLane·L columns, column perLane·i + j goes to position
     * L·j + i (so vector j meets lane i's code j); the columns after the last full run keep their order.
     */
    static void laneOrder(float[] x, int xo, int n, int perLane, float[] dst, int off) {
        int run = perLane * L, full = n / run * run;
        for (int c = 0; c < full; c += run) {
            for (int i = 0; i < L; i++) {
                for (int j = 0; j < perLane; j++) dst[off + c + L * j + i] = x[xo + c + perLane * i + j];
            }
        }
        System.arraycopy(x, xo + full, dst, off + full, n - full);
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
    public static void scale(float[] src, int so, float f, float[] dst, int d, int n) {
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
        int i = 0;
        FloatVector va = FloatVector.broadcast(F, a);
        for (int ub = F.loopBound(n); i < ub; i += L) {
            FloatVector.fromArray(F, x, xo + i).fma(va, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += a * x[xo + i];
    }

    public static void axpyScalar(float a, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] += a * x[xo + i];
    }

    // exp(x) = 2^n · e^r with n = round(x·log2 e) and r = x − n·ln 2 (ln 2 in two parts, so r is exact
    // to a few ulps), |r| ≤ ln2/2; e^r by its Taylor polynomial of degree 6, whose truncation error
    // |r|^7/7! ≤ 1.2e-7 keeps the result within ~3e-7 relative of e^x.
    static final float LOG2E = 1.44269504f, LN2_HI = 0.693145751953125f, LN2_LO = 1.42860677e-6f;
    /**
     * Adding 1.5·2^23 to a float of magnitude below 2^22 rounds it to an integer n, held in the low
     * mantissa bits of the sum (as n + 2^22); subtracting it again gives n as a float.
     */
    static final float ROUND = 12582912f;
    /** Arguments are clamped to [EXP_MIN, EXP_MAX]: below, n = −127 makes the scale 0 (e^x < 2e-38 flushes to 0). */
    static final float EXP_MIN = -88f, EXP_MAX = 88f;
    static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720;

    /**
     * e^x within ~3e-7 relative for x ≤ 88 (softmax arguments are ≤ 0); results below ~2e-38 may flush
     * to 0. The same operations as the SIMD loop of {@link #expShifted}, so the same results.
     */
    public static float expScalar(float x) {
        float xc = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float t = xc * LOG2E + ROUND, n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, xc) + n * -LN2_LO;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, C6, C5), r, C4), r, C3), r, C2), r, 1f), r, 1f);
        // t's low mantissa bits are n + 2^22 and the shift drops everything above them: the bits of 2^n
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) + 127) << 23);
    }

    /**
     * a[ao+i] = e^(a[ao+i] − shift), i < n (as {@link #expScalar}, L lanes at a time); returns Σ of the
     * results. The polynomial sits in the loop rather than in a helper taking a vector: a vector
     * passed to a call that C2 does not inline is boxed, and decode must not allocate.
     */
    public static float expShifted(float[] a, int ao, int n, float shift) {
        int i = 0;
        FloatVector sum = FloatVector.zero(F);
        FloatVector c4 = FloatVector.broadcast(F, C4), c3 = FloatVector.broadcast(F, C3), c2 = FloatVector.broadcast(F, C2);
        FloatVector one = FloatVector.broadcast(F, 1f), ln2Hi = FloatVector.broadcast(F, -LN2_HI);
        FloatVector lo = FloatVector.broadcast(F, EXP_MIN), hi = FloatVector.broadcast(F, EXP_MAX);
        for (int ub = F.loopBound(n); i < ub; i += L) {
            FloatVector x = FloatVector.fromArray(F, a, ao + i).sub(shift);
            x = x.blend(lo, x.compare(VectorOperators.LT, lo)); // compare and blend: cheaper than Java's max/min
            x = x.blend(hi, x.compare(VectorOperators.GT, hi));
            FloatVector t = x.mul(LOG2E).add(ROUND), k = t.sub(ROUND);
            FloatVector r = k.fma(ln2Hi, x).add(k.mul(-LN2_LO));
            FloatVector p = r.fma(C6, C5).fma(r, c4).fma(r, c3).fma(r, c2).fma(r, one).fma(r, one);
            IntVector scale = t.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23);
            p = p.mul(scale.reinterpretAsFloats());
            p.intoArray(a, ao + i);
            sum = sum.add(p);
        }
        float s = sum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[ao + i] = expScalar(a[ao + i] - shift);
        return s;
    }

    public static float expShiftedScalar(float[] a, int ao, int n, float shift) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] = expScalar(a[ao + i] - shift);
        return s;
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
