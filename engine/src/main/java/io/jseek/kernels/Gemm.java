package io.jseek.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.util.Arrays;

import static io.jseek.kernels.VectorMath.F;
import static io.jseek.kernels.VectorMath.L;

/**
 * The multi-token (prefill) matmul shared by all weight formats. Prefill is compute-bound, so each
 * weight row is dequantised once per block of tokens into a float tile that is then multiplied with
 * every token of the block:
 * <ul>
 * <li>tokens go in blocks sized so that the block's inputs stay in L2 (the weights are decoded once
 *     per block, which costs a few operations per weight against 2·block flops);</li>
 * <li>a block's inputs are used in place when the format keeps the natural column order and the
 *     width is a multiple of {@link VectorMath#L}; otherwise they are copied into a zero-padded
 *     buffer in the format's column order ({@link Tiles#pack});</li>
 * <li>the kernel keeps 4 rows × 4 tokens of L-lane sums in registers over the whole row (16 FMAs per
 *     8 loads, no partial sums in memory) and reduces them across lanes once per (row, token).</li>
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

        /** Whether {@link #pack} reorders columns (then the inputs can never be used in place). */
        default boolean permutes() {
            return false;
        }
    }

    /** Floats of one token block's inputs: 256 KB, within a 512 KB (Zen 3) or 1 MB (Zen 4) L2. */
    private static final int BLOCK_FLOATS = 1 << 16;
    private static final int ROWS = 4, TOKENS = 4;

    private Gemm() {
    }

    static void matmul(Tiles w, int cols, float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        if (r0 >= r1 || T <= 0) return;
        int colsPad = roundUp(cols, L);
        int tb = Math.max(TOKENS, BLOCK_FLOATS / colsPad / TOKENS * TOKENS);
        boolean inPlace = !w.permutes() && colsPad == cols;
        Scratch s = Scratch.get();
        float[] tile = s.tile(ROWS * colsPad);
        float[] xp = s.xp(roundUp(Math.min(T, tb), TOKENS) * colsPad);
        for (int t0 = 0; t0 < T; t0 += tb) {
            int nt = Math.min(tb, T - t0);
            // full token groups are read in place when possible; the rest is packed (a partial group zero-padded)
            int direct = inPlace ? nt / TOKENS * TOKENS : 0;
            for (int t = direct; t < roundUp(nt, TOKENS); t++) {
                int o = (t - direct) * colsPad;
                if (t < nt) w.pack(x, xOff + (t0 + t) * xStride, cols, xp, o);
                Arrays.fill(xp, t < nt ? o + cols : o, o + colsPad, 0f);
            }
            for (int r = r0; r < r1; r += ROWS) {
                int nr = Math.min(ROWS, r1 - r);
                for (int i = 0; i < ROWS; i++) {
                    int o = i * colsPad;
                    // missing rows of the last group run on zeros and their sums are dropped
                    if (i < nr) w.decode(r + i, 0, cols, tile, o);
                    Arrays.fill(tile, i < nr ? o + cols : o, o + colsPad, 0f);
                }
                for (int t = 0; t < nt; t += TOKENS) {
                    int yo = yOff + (t0 + t) * yStride + r;
                    int tv = Math.min(TOKENS, nt - t);
                    if (t < direct) kernel(tile, colsPad, x, xOff + (t0 + t) * xStride, xStride, y, yo, yStride, nr, tv);
                    else kernel(tile, colsPad, xp, (t - direct) * colsPad, colsPad, y, yo, yStride, nr, tv);
                }
            }
        }
    }

    /**
     * For rows i < 4 of {@code w} (each {@code n} floats, n a multiple of L) and tokens j < 4 of
     * {@code x} (starting at {@code x0}, {@code xs} apart): writes {@code y[y0 + j·ys + i] = row i · token j}
     * for {@code i < nr, j < nt}.
     */
    private static void kernel(float[] w, int n, float[] x, int x0, int xs, float[] y, int y0, int ys, int nr, int nt) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int x1 = x0 + xs, x2 = x1 + xs, x3 = x2 + xs;
        for (int k = 0; k < n; k += L) {
            FloatVector w0 = FloatVector.fromArray(F, w, k), w1 = FloatVector.fromArray(F, w, n + k), w2 = FloatVector.fromArray(F, w, 2 * n + k), w3 = FloatVector.fromArray(F, w, 3 * n + k);
            FloatVector v = FloatVector.fromArray(F, x, x0 + k);
            c00 = w0.fma(v, c00);
            c10 = w1.fma(v, c10);
            c20 = w2.fma(v, c20);
            c30 = w3.fma(v, c30);
            v = FloatVector.fromArray(F, x, x1 + k);
            c01 = w0.fma(v, c01);
            c11 = w1.fma(v, c11);
            c21 = w2.fma(v, c21);
            c31 = w3.fma(v, c31);
            v = FloatVector.fromArray(F, x, x2 + k);
            c02 = w0.fma(v, c02);
            c12 = w1.fma(v, c12);
            c22 = w2.fma(v, c22);
            c32 = w3.fma(v, c32);
            v = FloatVector.fromArray(F, x, x3 + k);
            c03 = w0.fma(v, c03);
            c13 = w1.fma(v, c13);
            c23 = w2.fma(v, c23);
            c33 = w3.fma(v, c33);
        }
        store(y, y0, ys, 0, nr, nt, c00, c01, c02, c03);
        store(y, y0, ys, 1, nr, nt, c10, c11, c12, c13);
        store(y, y0, ys, 2, nr, nt, c20, c21, c22, c23);
        store(y, y0, ys, 3, nr, nt, c30, c31, c32, c33);
    }

    /** Row i's four token sums, reduced across lanes; only the valid rows and tokens are written. */
    private static void store(float[] y, int y0, int ys, int i, int nr, int nt, FloatVector a, FloatVector b, FloatVector c, FloatVector d) {
        if (i >= nr) return;
        y[y0 + i] = a.reduceLanes(VectorOperators.ADD);
        if (nt > 1) y[y0 + ys + i] = b.reduceLanes(VectorOperators.ADD);
        if (nt > 2) y[y0 + 2 * ys + i] = c.reduceLanes(VectorOperators.ADD);
        if (nt > 3) y[y0 + 3 * ys + i] = d.reduceLanes(VectorOperators.ADD);
    }

    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
