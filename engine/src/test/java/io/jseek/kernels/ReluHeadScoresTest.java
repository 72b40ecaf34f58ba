package io.jseek.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The indexer's register-blocked scores against the plain twin, on shapes that are not multiples of the vector length. */
class ReluHeadScoresTest {
    final Random rnd = new Random(7);

    float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    @Test
    void matchesScalarTwin() {
        int[] headCounts = {1, 2, 3, 4, 5, 8, 9, 32};
        int[] dims = {1, 3, 8, 16, 17, 64};
        for (int trial = 0; trial < 300; trial++) {
            int heads = headCounts[rnd.nextInt(headCounts.length)], dim = dims[rnd.nextInt(dims.length)];
            int n = rnd.nextInt(6 * VectorMath.L + 5), stride = n + rnd.nextInt(9);
            int qo = rnd.nextInt(5), wo = rnd.nextInt(3), ko = rnd.nextInt(4), oo = rnd.nextInt(6);
            float[] q = random(qo + heads * dim), w = random(wo + heads), kt = random(ko + dim * stride + 1);
            float[] fast = random(oo + n + 3), ref = fast.clone();
            ReluHeadScores.score(q, qo, w, wo, heads, dim, kt, ko, stride, n, fast, oo);
            ReluHeadScores.scoreScalar(q, qo, w, wo, heads, dim, kt, ko, stride, n, ref, oo);
            for (int i = 0; i < fast.length; i++) {
                double mag = 0; // the scale of the rounding error: Σ_h |w|·Σ_d |q·k|
                if (i >= oo && i < oo + n) {
                    for (int h = 0; h < heads; h++) {
                        double a = 0;
                        for (int d = 0; d < dim; d++) a += Math.abs(q[qo + h * dim + d] * kt[ko + d * stride + i - oo]);
                        mag += Math.abs(w[wo + h]) * a;
                    }
                }
                assertEquals(ref[i], fast[i], 1e-5 * (1 + mag), "heads=" + heads + " dim=" + dim + " n=" + n + " i=" + i);
            }
        }
    }
}
