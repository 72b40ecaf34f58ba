package io.jseek.state;

import io.jseek.kernels.Codecs;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Row codecs of compact state storage: sizes, exact fp8 rounding, bounded round-trip error. */
class EntryCodecTest {
    @Test
    void fastE4m3MatchesTheReferenceEncoder() {
        Random r = new Random(1);
        for (int i = 0; i < 20000; i++) {
            float x = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(20) - 12));
            if (i % 7 == 0) x = Codecs.E4M3[r.nextInt(127)] + (Codecs.E4M3[1] / 2) * (r.nextBoolean() ? 1 : -1); // near ties
            if (Math.abs(x) > 448) continue;
            assertEquals(Codecs.floatToE4m3(x), EntryCodec.e4m3(x), "x = " + x);
        }
    }

    @Test
    void rowSizesOfTheLayouts() {
        assertEquals(64, EntryCodec.bf16(32).rowBytes());
        // 448 fp8 + 7 scales + 64 rope bf16 (V4-Flash: D = 512, rd = 64)
        assertEquals(448 + 7 + 128, EntryCodec.fp8Rope(512, 64).rowBytes());
        assertEquals(64 + 4, EntryCodec.scaled(128, 4).rowBytes());
        assertEquals(128 + 4, EntryCodec.scaled(128, 8).rowBytes());
    }

    @Test
    void roundTripErrorIsBoundedByTheFormat() {
        Random r = new Random(2);
        int D = 128;
        float[] v = new float[D], back = new float[D];
        for (Object[] c : new Object[][]{{EntryCodec.bf16(D), 1 / 256.0}, {EntryCodec.fp8Rope(D, 32), 1 / 16.0},
                {EntryCodec.scaled(D, 8), 1 / 16.0}, {EntryCodec.scaled(D, 4), 1 / 3.0}}) {
            EntryCodec codec = (EntryCodec) c[0];
            byte[] row = new byte[codec.rowBytes()];
            for (int k = 0; k < 100; k++) {
                double amax = 0;
                for (int i = 0; i < D; i++) amax = Math.max(amax, Math.abs(v[i] = (float) r.nextGaussian()));
                codec.encode(v, 0, row, 0);
                codec.decode(row, 0, back, 0);
                for (int i = 0; i < D; i++) {
                    assertTrue(Math.abs(back[i] - v[i]) <= (double) c[1] * amax, codec + " channel " + i);
                }
                float[] again = back.clone();
                codec.roundTrip(again, 0, new byte[codec.rowBytes()]);
                for (int i = 0; i < D; i++) assertEquals(0, Float.compare(Math.abs(back[i]), Math.abs(again[i]))); // idempotent (up to the sign of 0)
            }
        }
    }
}
