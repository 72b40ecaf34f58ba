package io.jseek.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.jseek.kernels.VectorMath.B;
import static io.jseek.kernels.VectorMath.I;
import static io.jseek.kernels.VectorMath.L;

/**
 * Scalar number formats of the checkpoint (spec §10.1–10.3): bf16, fp8 e4m3fn, the e8m0 power-of-two
 * scale and fp4 e2m1. Decoding uses exact tables; encoding (used by the checkpoint writer) rounds to
 * nearest, ties to even.
 */
public final class Codecs {
    private Codecs() {
    }

    /** All 256 e4m3fn codes: 1 sign, 4 exponent bits (bias 7), 3 mantissa bits, no infinities, S.1111.111 = NaN. */
    public static final float[] E4M3 = new float[256];
    /** All 256 ue8m0 codes: 2^(b-127); 255 is NaN. */
    public static final float[] E8M0 = new float[256];
    /** All 16 e2m1 codes; bit 3 is the sign. */
    public static final float[] E2M1 = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f, -0f, -0.5f, -1f, -1.5f, -2f, -3f, -4f, -6f};

    static {
        for (int b = 0; b < 256; b++) {
            int sign = (b >> 7) & 1, exp = (b >> 3) & 0xF, man = b & 7;
            double v;
            if (exp == 15 && man == 7) v = Double.NaN;
            else if (exp == 0) v = man / 8.0 * Math.pow(2, -6);
            else v = (1 + man / 8.0) * Math.pow(2, exp - 7);
            E4M3[b] = (float) (sign == 1 ? -v : v);
            E8M0[b] = b == 255 ? Float.NaN : (float) Math.pow(2, b - 127);
        }
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round-to-nearest-even to bf16 (NaN stays NaN). */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((x >>> 16) | 0x40);
        int lsb = (x >>> 16) & 1;
        return (short) ((x + 0x7FFF + lsb) >>> 16);
    }

    /** Nearest e4m3fn code (ties to even), saturating at ±448. */
    public static byte floatToE4m3(float f) {
        if (Float.isNaN(f)) return 0x7F;
        int sign = f < 0 || (f == 0 && 1 / f < 0) ? 0x80 : 0;
        float a = Math.min(Math.abs(f), 448f);
        int best = 0;
        float bestErr = Float.MAX_VALUE;
        for (int c = 0; c < 127; c++) { // positive codes 0..126 (127 is NaN)
            float err = Math.abs(E4M3[c] - a);
            if (err < bestErr || (err == bestErr && (c & 1) == 0)) {
                bestErr = err;
                best = c;
            }
        }
        return (byte) (sign | best);
    }

    /** Nearest e2m1 code (ties to even mantissa), saturating at ±6. */
    public static int floatToE2m1(float f) {
        int sign = f < 0 ? 8 : 0;
        float a = Math.min(Math.abs(f), 6f);
        int best = 0;
        float bestErr = Float.MAX_VALUE;
        for (int c = 0; c < 8; c++) {
            float err = Math.abs(E2M1[c] - a);
            if (err < bestErr || (err == bestErr && (c & 1) == 0)) {
                bestErr = err;
                best = c;
            }
        }
        return sign | best;
    }

    /**
     * dst[o + i] = E8M0[s[off + i]] for i < n, L codes per step: the float bits of 2^(b-127) are b << 23,
     * except code 0 (2^-127, the subnormal 0x00400000, which max() supplies) and code 255 (NaN: the
     * quiet bit 0x00400000 is or-ed in exactly when b + 1 reaches 256).
     */
    public static void e8m0(MemorySegment s, long off, float[] dst, int o, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            IntVector b = ((IntVector) ByteVector.fromMemorySegment(B, s, off + i, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
            IntVector nan = b.add(1).lanewise(VectorOperators.LSHR, 8).lanewise(VectorOperators.LSHL, 22);
            b.lanewise(VectorOperators.LSHL, 23).max(0x00400000).or(nan).reinterpretAsFloats().intoArray(dst, o + i);
        }
        for (; i < n; i++) dst[o + i] = E8M0[s.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF];
    }

    /** The e8m0 code of the power of two 2^e. */
    public static byte e8m0OfExponent(int e) {
        if (e < -127 || e > 127) throw new IllegalArgumentException("exponent out of e8m0 range: " + e);
        return (byte) (e + 127);
    }
}
