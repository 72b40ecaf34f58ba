package io.jseek.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The lane-parallel online attention: each step against its plain twin, and a whole pass over several
 * tiles (with causal limits per lane) against the sink softmax of spec §4.4 computed in doubles.
 */
class LaneAttentionTest {
    final Random rnd = new Random(11);
    final int L = LaneAttention.rows(); // rows per call, one per lane

    float[] random(int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (scale * rnd.nextGaussian());
        return a;
    }

    @Test
    void stepsMatchScalarTwins() {
        for (int trial = 0; trial < 200; trial++) {
            int dim = new int[]{1, 5, 8, 16, 32, 37}[rnd.nextInt(6)], n = rnd.nextInt(20), ko = rnd.nextInt(7), so = L * rnd.nextInt(3);
            float[] qt = random(dim * L, 1), k = random(ko + n * dim, 1);
            float[] s1 = random(so + n * L, 1), s2 = s1.clone();
            LaneAttention.scores(qt, dim, k, ko, n, s1, so);
            LaneAttention.scoresScalar(qt, dim, k, ko, n, s2, so);
            assertClose(s2, s1, 1e-5 * Math.sqrt(dim), "scores dim=" + dim + " n=" + n);

            int e0 = rnd.nextInt(30);
            int[] limit = new int[L];
            for (int j = 0; j < L; j++) limit[j] = rnd.nextInt(4) == 0 ? 0 : e0 + rnd.nextInt(n + 2);
            float[] m1 = random(L, 2), l1 = new float[L], ot1 = random(dim * L, 1);
            for (int j = 0; j < L; j++) l1[j] = 1 + rnd.nextFloat();
            float[] m2 = m1.clone(), l2 = l1.clone(), ot2 = ot1.clone();
            LaneAttention.softmax(s1, so, n, e0, limit, m1, l1, ot1, dim);
            LaneAttention.softmaxScalar(s2, so, n, e0, limit, m2, l2, ot2, dim);
            assertClose(m2, m1, 1e-5, "max");
            assertClose(l2, l1, 1e-5 * (1 + n), "denominator");
            assertClose(ot2, ot1, 1e-5, "rescaled output");
            assertClose(s2, s1, 1e-5, "weights");

            LaneAttention.accumulate(s1, so, n, k, ko, dim, ot1);
            LaneAttention.accumulateScalar(s1, so, n, k, ko, dim, ot2);
            assertClose(ot2, ot1, 1e-5 * (1 + n), "accumulate dim=" + dim + " n=" + n);
        }
    }

    @Test
    void tiledPassIsTheSinkSoftmax() {
        for (int trial = 0; trial < 40; trial++) {
            int dim = new int[]{4, 16, 32, 40}[rnd.nextInt(4)], keys = 1 + rnd.nextInt(300), tile = 1 + rnd.nextInt(70);
            float[] q = random(L * dim, 1.5), k = random(keys * dim, 1), sink = random(L, 1);
            int[] limit = new int[L];
            for (int j = 0; j < L; j++) limit[j] = rnd.nextInt(keys + 1);
            float[] qt = new float[dim * L], ot = new float[dim * L], m = new float[L], l = new float[L], s = new float[tile * L];
            for (int j = 0; j < L; j++) {
                for (int d = 0; d < dim; d++) qt[d * L + j] = q[j * dim + d];
                m[j] = sink[j];
                l[j] = 1;
            }
            for (int e0 = 0; e0 < keys; e0 += tile) {
                int n = Math.min(tile, keys - e0);
                LaneAttention.scores(qt, dim, k, e0 * dim, n, s, 0);
                LaneAttention.softmax(s, 0, n, e0, limit, m, l, ot, dim);
                LaneAttention.accumulate(s, 0, n, k, e0 * dim, dim, ot);
            }
            for (int j = 0; j < L; j++) {
                double max = sink[j];
                double[] z = new double[limit[j]];
                for (int e = 0; e < limit[j]; e++) {
                    for (int d = 0; d < dim; d++) z[e] += (double) q[j * dim + d] * k[e * dim + d];
                    max = Math.max(max, z[e]);
                }
                double den = Math.exp(sink[j] - max);
                for (int e = 0; e < limit[j]; e++) den += Math.exp(z[e] - max);
                for (int d = 0; d < dim; d++) {
                    double o = 0;
                    for (int e = 0; e < limit[j]; e++) o += Math.exp(z[e] - max) / den * k[e * dim + d];
                    assertEquals(o, ot[d * L + j] / l[j], 1e-5, "dim=" + dim + " keys=" + keys + " tile=" + tile + " lane " + j + " d=" + d);
                }
            }
        }
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == actual[i]) continue; // also equal infinities
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
        }
    }
}
