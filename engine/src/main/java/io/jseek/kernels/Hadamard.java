package io.jseek.kernels;

/**
 * In-place orthonormal Walsh–Hadamard rotation {@code y = x @ H_n / sqrt(n)} (Sylvester order,
 * H[i][j] = (−1)^popcount(i & j)), n a power of two. The indexer applies it to queries and keys
 * (spec §6); it leaves their dot products unchanged in exact arithmetic.
 */
public final class Hadamard {
    private Hadamard() {
    }

    public static void rotate(float[] x, int off, int n) {
        for (int h = 1; h < n; h <<= 1) {
            for (int i = 0; i < n; i += h << 1) {
                for (int j = i; j < i + h; j++) {
                    float a = x[off + j], b = x[off + j + h];
                    x[off + j] = a + b;
                    x[off + j + h] = a - b;
                }
            }
        }
        float s = (float) (1.0 / Math.sqrt(n));
        for (int i = 0; i < n; i++) x[off + i] *= s;
    }

    /** Reference: the dense matrix product. */
    public static void rotateReference(float[] x, int off, int n) {
        double[] y = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += ((Integer.bitCount(i & j) & 1) == 0 ? 1 : -1) * (double) x[off + i];
            y[j] = s / Math.sqrt(n);
        }
        for (int j = 0; j < n; j++) x[off + j] = (float) y[j];
    }
}
