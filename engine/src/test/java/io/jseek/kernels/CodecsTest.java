package io.jseek.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exhaustive checks of every code of the checkpoint's small formats against their defining formulas. */
class CodecsTest {

    @Test
    void e4m3AllCodes() {
        for (int c = 0; c < 256; c++) {
            int sign = c >> 7, exp = (c >> 3) & 0xF, man = c & 7;
            float v = Codecs.E4M3[c];
            if ((c & 0x7F) == 0x7F) {
                assertTrue(Float.isNaN(v), "code " + c + " must be NaN");
                continue;
            }
            double mag = exp == 0 ? man * Math.scalb(1.0, -9) : (8 + man) * Math.scalb(1.0, exp - 10);
            assertEquals(sign == 1 ? -mag : mag, v, 0.0, "code " + c);
            assertEquals(sign == 1, Float.floatToRawIntBits(v) < 0, "sign of code " + c);
            assertEquals(c, Codecs.floatToE4m3(v) & 0xFF, "round trip of code " + c);
        }
        assertEquals(448f, Codecs.E4M3[0x7E]);
        assertEquals(-448f, Codecs.E4M3[0xFE]);
        assertEquals(0x1p-9f, Codecs.E4M3[1], "smallest subnormal");
        assertEquals(7 * 0x1p-9f, Codecs.E4M3[7], "largest subnormal");
        assertEquals(0x1p-6f, Codecs.E4M3[8], "smallest normal");
    }

    @Test
    void e4m3Encoding() {
        assertEquals(0x7F, Codecs.floatToE4m3(Float.NaN));
        assertEquals(0x7E, Codecs.floatToE4m3(1e9f), "saturates at 448");
        assertEquals((byte) 0xFE, Codecs.floatToE4m3(Float.NEGATIVE_INFINITY));
        assertEquals((byte) 0x80, Codecs.floatToE4m3(-0f));
        assertEquals(0x38, Codecs.floatToE4m3(1.0625f), "tie 1 | 1.125 goes to the even code");
        assertEquals(0x3A, Codecs.floatToE4m3(1.1875f), "tie 1.125 | 1.25 goes to the even code");
        assertEquals(0x08, Codecs.floatToE4m3(15 * 0x1p-10f), "tie at the subnormal/normal edge");
        assertEquals(0x00, Codecs.floatToE4m3(0x1p-10f), "tie 0 | smallest subnormal goes to 0");
        assertEquals(0x01, Codecs.floatToE4m3(0x1.1p-10f));
    }

    @Test
    void e8m0AllCodes() {
        for (int b = 0; b < 255; b++) assertEquals(Math.scalb(1.0, b - 127), Codecs.E8M0[b], 0.0, "code " + b);
        assertTrue(Float.isNaN(Codecs.E8M0[255]));
        assertEquals(1f, Codecs.E8M0[127]);
        for (int e = -127; e <= 127; e++) assertEquals(Math.scalb(1f, e), Codecs.E8M0[Codecs.e8m0OfExponent(e) & 0xFF]);
    }

    @Test
    void e8m0VectorDecodeMatchesTable() {
        byte[] codes = new byte[300];
        for (int i = 0; i < codes.length; i++) codes[i] = (byte) (i * 7 + 3); // every code, at every lane
        java.lang.foreign.MemorySegment s = java.lang.foreign.MemorySegment.ofArray(codes);
        for (int off : new int[]{0, 1, 5}) {
            for (int n : new int[]{0, 3, 16, 17, 255, 295}) {
                float[] dst = new float[n + 2];
                Codecs.e8m0(s, off, dst, 1, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(Codecs.E8M0[codes[off + i] & 0xFF]), Float.floatToRawIntBits(dst[1 + i]), "code " + (codes[off + i] & 0xFF));
                }
                assertEquals(0f, dst[0]);
                assertEquals(0f, dst[n + 1]);
            }
        }
    }

    @Test
    void e2m1AllCodes() {
        for (int c = 0; c < 16; c++) {
            int exp = (c >> 1) & 3, man = c & 1;
            double mag = exp == 0 ? man * 0.5 : (1 + man * 0.5) * Math.scalb(1.0, exp - 1);
            float v = Codecs.E2M1[c];
            assertEquals(c >= 8 ? -mag : mag, v, 0.0, "code " + c);
            assertEquals(c >= 8, Float.floatToRawIntBits(v) < 0, "sign of code " + c);
            // -0 (code 8) encodes as +0: the encoder only keeps the sign of negative numbers
            assertEquals(c == 8 ? 0 : c, Codecs.floatToE2m1(v), "round trip of code " + c);
        }
        assertEquals(7, Codecs.floatToE2m1(100f));
        assertEquals(4, Codecs.floatToE2m1(2.5f), "tie 2 | 3 goes to the even code");
        assertEquals(6, Codecs.floatToE2m1(5f), "tie 4 | 6 goes to the even code");
        assertEquals(0, Codecs.floatToE2m1(0.25f), "tie 0 | 0.5 goes to the even code");
    }

    @Test
    void bf16RoundTripAndRounding() {
        for (int b = 0; b < 65536; b++) {
            float f = Codecs.bf16ToFloat((short) b);
            assertEquals(b << 16, Float.floatToRawIntBits(f));
            if (!Float.isNaN(f)) assertEquals((short) b, Codecs.floatToBf16(f), "round trip of " + b);
            else assertTrue(Float.isNaN(Codecs.bf16ToFloat(Codecs.floatToBf16(f))));
        }
        assertEquals((short) 0x3F80, Codecs.floatToBf16(1f + 0x1p-8f), "tie goes down to the even 1.0");
        assertEquals((short) 0x3F82, Codecs.floatToBf16(1f + 3 * 0x1p-8f), "tie goes up to the even code");
        assertEquals((short) 0x3F81, Codecs.floatToBf16(1f + 0x1p-8f + 0x1p-20f), "above the tie rounds up");
        assertEquals((short) 0x7F80, Codecs.floatToBf16(Float.MAX_VALUE), "overflow rounds to infinity");
        assertEquals((short) 0xFF80, Codecs.floatToBf16(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Codecs.bf16ToFloat(Codecs.floatToBf16(Float.intBitsToFloat(0x7F800001)))), "NaN stays NaN");
    }
}
