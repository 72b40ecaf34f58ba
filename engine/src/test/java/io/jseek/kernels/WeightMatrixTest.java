package io.jseek.kernels;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every format's SIMD {@code matmul} against the scalar {@code matmulReference} on random weights of
 * random shapes (odd sizes, partial fp8 blocks and fp4 groups), token counts, row ranges, offsets and
 * strides, on unaligned heap and native segments. Tolerance: {@value #TOL} relative to Σ|w·x| of the
 * row and token (float accumulation in a different order than the double oracle).
 */
class WeightMatrixTest {
    static final double TOL = 1e-5;
    static final int[] TOKENS = {1, 2, 3, 4, 5, 7, 16, 33};
    static final int[] COLS = {1, 2, 7, 8, 30, 32, 64, 80, 96, 100, 128, 130, 192, 256, 320, 384, 450, 640, 1000};

    enum Format { F32, BF16, FP8, FP4 }

    /** Random valid weights; {@code pad} bytes before each tensor make every offset unaligned. */
    static WeightMatrix random(Format f, int rows, int cols, Random rnd, Arena arena) {
        int pad = 1 + rnd.nextInt(7);
        return switch (f) {
            case F32 -> {
                ByteOrder le = ByteOrder.LITTLE_ENDIAN;
                MemorySegment m = segment((long) rows * cols * 4, pad, rnd, arena);
                for (long i = 0; i < (long) rows * cols; i++) m.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(le), 4 * i, (float) rnd.nextGaussian());
                yield new F32Matrix(m, rows, cols);
            }
            case BF16 -> {
                MemorySegment m = segment((long) rows * cols * 2, pad, rnd, arena);
                for (long i = 0; i < (long) rows * cols; i++) {
                    m.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2 * i, Codecs.floatToBf16((float) rnd.nextGaussian()));
                }
                yield new BF16Matrix(m, rows, cols);
            }
            case FP8 -> {
                MemorySegment q = segment((long) rows * cols, pad, rnd, arena);
                for (long i = 0; i < q.byteSize(); i++) {
                    int c;
                    do c = rnd.nextInt(256); while ((c & 0x7F) == 0x7F); // no NaN codes in weights
                    q.set(ValueLayout.JAVA_BYTE, i, (byte) c);
                }
                MemorySegment s = scales((long) ((rows + 127) / 128) * ((cols + 127) / 128), rnd, arena);
                yield new FP8Matrix(q, s, rows, cols);
            }
            case FP4 -> {
                MemorySegment q = segment((long) rows * cols / 2, pad, rnd, arena);
                MemorySegment s = scales((long) rows * ((cols + 31) / 32), rnd, arena);
                yield new FP4Matrix(q, s, rows, cols);
            }
        };
    }

    /** Random bytes in a segment that starts {@code pad} bytes into its allocation. */
    static MemorySegment segment(long size, int pad, Random rnd, Arena arena) {
        MemorySegment m = arena == null ? MemorySegment.ofArray(new byte[Math.toIntExact(size + pad)]) : arena.allocate(size + pad, 1);
        m = m.asSlice(pad, size);
        for (long i = 0; i < size; i++) m.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
        return m;
    }

    /** e8m0 codes around 2^0, including the extremes of the usual weight range. */
    static MemorySegment scales(long n, Random rnd, Arena arena) {
        MemorySegment s = segment(n, 1 + rnd.nextInt(3), rnd, arena);
        for (long i = 0; i < n; i++) s.set(ValueLayout.JAVA_BYTE, i, (byte) (117 + rnd.nextInt(20)));
        return s;
    }

    /**
     * Runs matmul and matmulReference over rows [r0, r1) and T tokens with offsets and strides, and
     * checks the results (and that nothing outside the range was written).
     */
    static void check(WeightMatrix w, int T, int r0, int r1, Random rnd, String what) {
        check(w, T, r0, r1, 1f, rnd, what);
    }

    static void check(WeightMatrix w, int T, int r0, int r1, float xScale, Random rnd, String what) {
        int cols = w.cols(), rows = w.rows();
        int xOff = rnd.nextInt(5), xStride = cols + rnd.nextInt(4), yOff = rnd.nextInt(5), yStride = rows + rnd.nextInt(4);
        float[] x = new float[xOff + (T - 1) * xStride + cols + 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() * xScale;
        float[] y = new float[yOff + (T - 1) * yStride + rows + 3], ref = new float[y.length];
        Arrays.fill(y, 12345f);
        Arrays.fill(ref, 12345f);
        w.matmul(x, xOff, xStride, y, yOff, yStride, T, r0, r1);
        w.matmulReference(x, xOff, xStride, ref, yOff, yStride, T, r0, r1);
        float[] row = new float[cols];
        for (int r = r0; r < r1; r++) {
            w.row(r, row, 0);
            for (int t = 0; t < T; t++) {
                double mag = 0;
                for (int c = 0; c < cols; c++) mag += Math.abs((double) row[c] * x[xOff + t * xStride + c]);
                int i = yOff + t * yStride + r;
                double err = Math.abs((double) y[i] - ref[i]);
                if (!(err <= TOL * mag + 1e-30)) {
                    throw new AssertionError(what + " T=" + T + " rows " + r0 + ".." + r1 + " row " + r + " token " + t
                            + ": fast " + y[i] + " reference " + ref[i] + " (Σ|w·x| " + mag + ")");
                }
                y[i] = ref[i] = 12345f;
            }
        }
        assertTrue(Arrays.equals(y, ref), what + ": wrote outside rows " + r0 + ".." + r1);
    }

    static int cols(Format f, Random rnd) {
        int c = rnd.nextBoolean() ? COLS[rnd.nextInt(COLS.length)] : 1 + rnd.nextInt(700);
        return f == Format.FP4 ? Math.max(2, c & ~1) : c;
    }

    @Test
    void fastMatchesReferenceOnRandomShapes() {
        Random rnd = new Random(42);
        for (Format f : Format.values()) {
            for (int iter = 0; iter < 60; iter++) {
                int rows = 1 + rnd.nextInt(iter % 4 == 0 ? 300 : 40), cols = cols(f, rnd);
                WeightMatrix w = random(f, rows, cols, rnd, null);
                int T = TOKENS[iter % TOKENS.length];
                int r0 = rnd.nextInt(rows), r1 = r0 + 1 + rnd.nextInt(rows - r0);
                check(w, T, r0, r1, rnd, f + " " + rows + "x" + cols);
            }
        }
    }

    @Test
    void everyTokenCountOnBlockShapes() {
        Random rnd = new Random(7);
        for (Format f : Format.values()) {
            for (int cols : new int[]{80, 96, 192, 256, 384}) {
                WeightMatrix w = random(f, 133, cols, rnd, null);
                for (int T : TOKENS) check(w, T, 5, 133, rnd, f + " 133x" + cols);
            }
        }
    }

    /** The decode kernels pre-scale x by a power of two; inputs far from 1 (and zero) must not lose precision. */
    @Test
    void inputMagnitudes() {
        Random rnd = new Random(9);
        for (Format f : Format.values()) {
            WeightMatrix w = random(f, 40, 272, rnd, null);
            for (float xScale : new float[]{0f, 1e-30f, 1e-8f, 1e8f, 1e25f}) {
                for (int T : new int[]{1, 4}) check(w, T, 0, 40, xScale, rnd, f + " |x|~" + xScale);
            }
        }
    }

    @Test
    void nativeSegments() {
        Random rnd = new Random(3);
        try (Arena arena = Arena.ofConfined()) {
            for (Format f : Format.values()) {
                WeightMatrix w = random(f, 140, 336, rnd, arena);
                for (int T : new int[]{1, 5, 16}) check(w, T, 3, 140, rnd, f + " native");
            }
        }
    }

    /** Several token blocks of the prefill matmul (its block size shrinks with the width), in place and packed. */
    @Test
    void manyTokens() {
        Random rnd = new Random(5);
        for (Format f : Format.values()) {
            for (int cols : new int[]{2048, 2050, 4100}) {
                WeightMatrix w = random(f, 11, cols, rnd, null);
                check(w, 70, 1, 11, rnd, f + " 11x" + cols);
            }
        }
    }

    @Test
    void decodeMatchesRow() {
        Random rnd = new Random(11);
        for (Format f : Format.values()) {
            int cols = f == Format.FP4 ? 336 : 333;
            WeightMatrix w = random(f, 20, cols, rnd, null);
            Gemm.Tiles tiles = (Gemm.Tiles) w;
            float[] row = new float[cols], dec = new float[cols], xp = new float[cols], idx = new float[cols];
            for (int c = 0; c < cols; c++) idx[c] = c;
            tiles.pack(idx, 0, cols, xp, 0);
            for (int r = 0; r < 20; r++) {
                w.row(r, row, 0);
                for (int c0 = 0; c0 < cols; c0 += 128) tiles.decode(r, c0, Math.min(128, cols - c0), dec, c0);
                // dec is in pack order: position p holds the weight of column xp[p]
                for (int p = 0; p < cols; p++) assertEquals(row[(int) xp[p]], dec[p], 0f, f + " row " + r + " position " + p);
            }
        }
    }

    @Test
    void fp4NeedsEvenColumns() {
        MemorySegment m = MemorySegment.ofArray(new byte[8]);
        try {
            new FP4Matrix(m, m, 1, 3);
        } catch (IllegalArgumentException e) {
            return;
        }
        throw new AssertionError("odd fp4 width accepted");
    }
}
