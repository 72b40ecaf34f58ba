package io.jseek.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Dot products and small vector operations; each SIMD routine has a plain scalar twin for tests. */
public final class VectorMath {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

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

    static float dotF32(MemorySegment w, float[] x, int xo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (int ub = F.loopBound(n); i < ub; i += F.length()) {
            acc = FloatVector.fromMemorySegment(F, w, 4L * i, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += w.get(F32, 4L * i) * x[xo + i];
        return s;
    }

    static float dotBF16(MemorySegment w, float[] x, int xo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += Codecs.bf16ToFloat(w.get(I16, 2L * i)) * x[xo + i];
        return s;
    }

    static float dotE4M3(MemorySegment q, long off, float[] x, int xo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += Codecs.E4M3[q.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF] * x[xo + i];
        return s;
    }

    static float dotE2M1(MemorySegment q, long off, float[] x, int xo, int n) {
        float s = 0;
        for (int i = 0; i < n; i += 2) {
            int b = q.get(ValueLayout.JAVA_BYTE, off + i / 2) & 0xFF;
            s += Codecs.E2M1[b & 0xF] * x[xo + i] + Codecs.E2M1[b >>> 4] * x[xo + i + 1];
        }
        return s;
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
