package io.jseek.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.util.Arrays;

import static io.jseek.kernels.VectorMath.F;
import static io.jseek.kernels.VectorMath.L;

/**
 * The multi-token (prefill) matmul shared by all weight formats. Prefill is compute-bound, so each
 * weight is dequantised once into a small float tile that is then multiplied with every token:
 * <ul>
 * <li>the tokens are copied once per call into a zero-padded buffer (columns to a multiple of
 *     {@link VectorMath#L}, tokens to a multiple of 4) in the format's column order, so the inner
 *     kernel has no tails;</li>
 * <li>columns are walked in chunks of {@code kc} (a multiple of 128, so no fp8 block or fp4 group
 *     straddles two chunks) sized to keep the chunk of all tokens in L1;</li>
 * <li>the kernel keeps 2 rows × 4 tokens of L-lane partial sums in registers (8 FMAs per 6 loads);
 *     partial sums live in a per-panel buffer across chunks and are reduced across lanes once per
 *     (row, token) at the end.</li>
 * </ul>
 */
final class Gemm {
    /** Source of dequantised weight rows, in the same column order as {@link #pack}. */
    interface Tiles {
        /**
         * Writes the dequantised (scaled) {@code W[r][c0 .. c0+n)} into {@code dst[off ..)}; {@code c0}
         * is a multiple of 128. Writes exactly {@code n} floats.
         */
        void decode(int r, int c0, int n, float[] dst, int off);

        /** Copies one token's {@code cols} inputs into {@code dst[off ..)} in the decode column order. */
        default void pack(float[] x, int xo, int cols, float[] dst, int off) {
            System.arraycopy(x, xo, dst, off, cols);
        }
    }

    /** Floats of one column chunk of all tokens; 4096 floats = 16 KB, half of L1. */
    private static final int CHUNK_FLOATS = 4096;
    /** Rows per panel: a chunk of tokens is read from L1 once per row pair in the panel. */
    private static final int PANEL = 16;

    private Gemm() {
    }

    static void matmul(Tiles w, int cols, float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        if (r0 >= r1 || T <= 0) return;
        int colsPad = roundUp(cols, L), tPad = roundUp(T, 4);
        int kc = Math.max(128, CHUNK_FLOATS / tPad / 128 * 128);
        Scratch s = Scratch.get();
        float[] xp = s.xp(tPad * colsPad), tile = s.tile(2 * kc), acc = s.acc(PANEL * tPad * L);
        for (int t = 0; t < tPad; t++) {
            int o = t * colsPad;
            if (t < T) w.pack(x, xOff + t * xStride, cols, xp, o);
            Arrays.fill(xp, t < T ? o + cols : o, o + colsPad, 0f);
        }
        int rowAcc = tPad * L;
        for (int p0 = r0; p0 < r1; p0 += PANEL) {
            int np = Math.min(PANEL, r1 - p0);
            Arrays.fill(acc, 0, np * rowAcc, 0f);
            for (int c0 = 0; c0 < cols; c0 += kc) {
                int n = Math.min(kc, cols - c0), nPad = roundUp(n, L);
                for (int i = 0; i < np; i += 2) {
                    w.decode(p0 + i, c0, n, tile, 0);
                    Arrays.fill(tile, n, nPad, 0f);
                    // an odd last row runs with whatever tile row 1 holds and its sums are dropped
                    boolean pair = i + 1 < np;
                    if (pair) {
                        w.decode(p0 + i + 1, c0, n, tile, kc);
                        Arrays.fill(tile, kc + n, kc + nPad, 0f);
                    }
                    for (int t = 0; t < tPad; t += 4) {
                        kernel2x4(tile, kc, xp, t * colsPad + c0, colsPad, nPad, acc, i * rowAcc + t * L, pair ? (i + 1) * rowAcc + t * L : -1);
                    }
                }
            }
            for (int i = 0; i < np; i++) {
                for (int t = 0; t < T; t++) {
                    y[yOff + t * yStride + p0 + i] = FloatVector.fromArray(F, acc, i * rowAcc + t * L).reduceLanes(VectorOperators.ADD);
                }
            }
        }
    }

    /**
     * acc[a0 + t·L ..] += tile row 0 · token t and acc[a1 + t·L ..] += tile row 1 (at {@code w1}) · token t
     * lane-wise over {@code n} columns (a multiple of L), t < 4; {@code a1 < 0} drops row 1's sums.
     */
    private static void kernel2x4(float[] w, int w1, float[] xp, int x0, int xs, int n, float[] acc, int a0, int a1) {
        FloatVector c00 = FloatVector.fromArray(F, acc, a0), c01 = FloatVector.fromArray(F, acc, a0 + L);
        FloatVector c02 = FloatVector.fromArray(F, acc, a0 + 2 * L), c03 = FloatVector.fromArray(F, acc, a0 + 3 * L);
        FloatVector c10 = FloatVector.zero(F), c11 = c10, c12 = c10, c13 = c10;
        if (a1 >= 0) {
            c10 = FloatVector.fromArray(F, acc, a1);
            c11 = FloatVector.fromArray(F, acc, a1 + L);
            c12 = FloatVector.fromArray(F, acc, a1 + 2 * L);
            c13 = FloatVector.fromArray(F, acc, a1 + 3 * L);
        }
        int x1 = x0 + xs, x2 = x1 + xs, x3 = x2 + xs;
        for (int k = 0; k < n; k += L) {
            FloatVector wa = FloatVector.fromArray(F, w, k), wb = FloatVector.fromArray(F, w, w1 + k);
            FloatVector v = FloatVector.fromArray(F, xp, x0 + k);
            c00 = wa.fma(v, c00);
            c10 = wb.fma(v, c10);
            v = FloatVector.fromArray(F, xp, x1 + k);
            c01 = wa.fma(v, c01);
            c11 = wb.fma(v, c11);
            v = FloatVector.fromArray(F, xp, x2 + k);
            c02 = wa.fma(v, c02);
            c12 = wb.fma(v, c12);
            v = FloatVector.fromArray(F, xp, x3 + k);
            c03 = wa.fma(v, c03);
            c13 = wb.fma(v, c13);
        }
        c00.intoArray(acc, a0);
        c01.intoArray(acc, a0 + L);
        c02.intoArray(acc, a0 + 2 * L);
        c03.intoArray(acc, a0 + 3 * L);
        if (a1 >= 0) {
            c10.intoArray(acc, a1);
            c11.intoArray(acc, a1 + L);
            c12.intoArray(acc, a1 + 2 * L);
            c13.intoArray(acc, a1 + 3 * L);
        }
    }

    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
