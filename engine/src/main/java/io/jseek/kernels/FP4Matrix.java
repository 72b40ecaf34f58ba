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
 * fp4 e2m1 weights packed two per byte along the input dimension (low nibble = element 2k,
 * high nibble = element 2k+1) with one e8m0 scale per 32 inputs of a row (spec §10.2).
 * {@code cols} is even.
 *
 * <p>The SIMD paths widen L bytes to L int lanes and decode both nibbles without a table: the 3
 * magnitude bits of a nibble placed at float bits 22..24 give a float equal to the e2m1 value times
 * 2^-126 (code 1, the subnormal 0.5, becomes the float subnormal 2^-127), and its sign goes to bit 31.
 * The prefill tile multiplies by 2^126; decode instead pre-scales x ({@link VectorMath#prescaleExponent}).
 * Low nibbles give the even elements and high nibbles the odd ones, so instead of interleaving the
 * weights the inputs are permuted once per call: within each full 32-column group, every run of 2L
 * columns is stored as its L even columns then its L odd columns ({@link #pack}). A partial last
 * group keeps the natural order and is handled by scalar code.
 */
public final class FP4Matrix implements WeightMatrix, Gemm.Tiles {
    static final int GROUP = 32;
    private static final int BIAS = 126;
    private static final float UNBIAS = 0x1p126f;
    private static final int MAGNITUDE_AND_SIGN = 0x81C00000;
    private final MemorySegment q, scale;
    private final int rows, cols, scaleCols, fullGroups;

    public FP4Matrix(MemorySegment q, MemorySegment scale, int rows, int cols) {
        if ((cols & 1) != 0) throw new IllegalArgumentException("fp4 needs an even number of columns: " + cols);
        this.q = q;
        this.scale = scale;
        this.rows = rows;
        this.cols = cols;
        this.scaleCols = (cols + GROUP - 1) / GROUP;
        this.fullGroups = cols / GROUP;
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public String format() { return "FP4"; }
    @Override public long bytes() { return (long) rows * cols / 2 + scale.byteSize(); }

    float groupScale(int r, int g) {
        return Codecs.E8M0[scale.get(ValueLayout.JAVA_BYTE, (long) r * scaleCols + g) & 0xFF];
    }

    /** Scalar decoding by table: the oracle for the SIMD paths. */
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

    /** L bytes at {@code off}, each sign-extended into an int lane. */
    private IntVector bytes(long off) {
        return (IntVector) ByteVector.fromMemorySegment(B, q, off, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, I, 0);
    }

    /** Low nibbles, 2^-126 times their values: bits 0..2 to 22..24 and bit 3 to 31 via an arithmetic shift. */
    private static FloatVector low(IntVector v) {
        return v.lanewise(VectorOperators.LSHL, 28).lanewise(VectorOperators.ASHR, 6).and(MAGNITUDE_AND_SIGN).reinterpretAsFloats();
    }

    /** High nibbles, 2^-126 times their values: bits 4..6 to 22..24; bit 31 comes from the byte's sign extension. */
    private static FloatVector high(IntVector v) {
        return v.lanewise(VectorOperators.LSHL, 18).and(MAGNITUDE_AND_SIGN).reinterpretAsFloats();
    }

    @Override
    public void pack(float[] x, int xo, int n, float[] dst, int off) {
        int c = 0;
        for (; c < fullGroups * GROUP; c += 2 * L) {
            for (int k = 0; k < L; k++) {
                dst[off + c + k] = x[xo + c + 2 * k];
                dst[off + c + L + k] = x[xo + c + 2 * k + 1];
            }
        }
        System.arraycopy(x, xo + c, dst, off + c, n - c);
    }

    @Override
    public boolean permutes() {
        return true;
    }

    @Override
    public void matmul(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        if (T != 1) {
            Gemm.matmul(this, cols, x, xOff, xStride, y, yOff, yStride, T, r0, r1);
            return;
        }
        int k = VectorMath.prescaleExponent(x, xOff, cols, BIAS);
        Scratch scratch = Scratch.get();
        float[] xp = scratch.xp(cols);
        byte[] sb = scratch.scales(scaleCols);
        pack(x, xOff, cols, xp, 0);
        VectorMath.scale(xp, 0, Math.scalb(1f, k), xp, 0, fullGroups * GROUP);
        float unscale = Math.scalb(1f, BIAS - k);
        for (int r = r0; r < r1; r++) {
            // per-group scalar reads from the mapped scales cost a bounds check each; one bulk copy per row does not
            MemorySegment.copy(scale, ValueLayout.JAVA_BYTE, (long) r * scaleCols, sb, 0, scaleCols);
            y[yOff + r] = dotRow(r, xp, unscale, sb);
        }
    }

    /**
     * Decode: one pass over the row's bytes. Each group's sum is scaled into one of two running
     * totals (alternating, so consecutive groups do not wait on each other's FMA). The full groups
     * of {@code xp} hold x times 2^k, {@code unscale} is 2^(126-k); the partial group is plain.
     */
    private float dotRow(int r, float[] xp, float unscale, byte[] sb) {
        long base = (long) r * (cols / 2);
        FloatVector t0 = FloatVector.zero(F), t1 = t0;
        int g = 0;
        for (; g + 1 < fullGroups; g += 2) {
            t0 = groupSum(base, g, xp).fma(FloatVector.broadcast(F, Codecs.E8M0[sb[g] & 0xFF] * unscale), t0);
            t1 = groupSum(base, g + 1, xp).fma(FloatVector.broadcast(F, Codecs.E8M0[sb[g + 1] & 0xFF] * unscale), t1);
        }
        if (g < fullGroups) t0 = groupSum(base, g, xp).fma(FloatVector.broadcast(F, Codecs.E8M0[sb[g] & 0xFF] * unscale), t0);
        float s = t0.add(t1).reduceLanes(VectorOperators.ADD);
        if (fullGroups < scaleCols) {
            float p = 0;
            for (int c = fullGroups * GROUP; c < cols; c += 2) {
                int b = q.get(ValueLayout.JAVA_BYTE, base + c / 2) & 0xFF;
                p += Codecs.E2M1[b & 0xF] * xp[c] + Codecs.E2M1[b >>> 4] * xp[c + 1];
            }
            s += p * Codecs.E8M0[sb[fullGroups] & 0xFF];
        }
        return s;
    }

    private FloatVector groupSum(long base, int g, float[] xp) {
        FloatVector a = FloatVector.zero(F), b = a;
        int c0 = g * GROUP;
        for (int c = c0; c < c0 + GROUP; c += 2 * L) {
            IntVector v = bytes(base + c / 2);
            a = low(v).fma(FloatVector.fromArray(F, xp, c), a);
            b = high(v).fma(FloatVector.fromArray(F, xp, c + L), b);
        }
        return a.add(b);
    }

    @Override
    public void decode(int r, int c0, int n, float[] dst, int off) {
        long base = (long) r * (cols / 2);
        int g0 = c0 / GROUP, ng = (n + GROUP - 1) / GROUP;
        byte[] sb = Scratch.get().scales(ng);
        MemorySegment.copy(scale, ValueLayout.JAVA_BYTE, (long) r * scaleCols + g0, sb, 0, ng);
        for (int g = 0; g < ng; g++) {
            float s = Codecs.E8M0[sb[g] & 0xFF];
            int c = (g0 + g) * GROUP, d = off + c - c0;
            if (c + GROUP <= cols) {
                FloatVector vs = FloatVector.broadcast(F, s);
                for (int i = 0; i < GROUP; i += 2 * L) {
                    IntVector v = bytes(base + (c + i) / 2);
                    low(v).mul(UNBIAS).mul(vs).intoArray(dst, d + i);
                    high(v).mul(UNBIAS).mul(vs).intoArray(dst, d + i + L);
                }
            } else {
                for (; c < cols; c += 2) {
                    int b = q.get(ValueLayout.JAVA_BYTE, base + c / 2) & 0xFF;
                    dst[off + c - c0] = Codecs.E2M1[b & 0xF] * s;
                    dst[off + c - c0 + 1] = Codecs.E2M1[b >>> 4] * s;
                }
            }
        }
    }
}
