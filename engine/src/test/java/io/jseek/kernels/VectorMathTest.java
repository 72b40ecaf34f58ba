package io.jseek.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIMD vector routines, top-k and the Hadamard rotation against their plain twins on random inputs. */
class VectorMathTest {
    final Random rnd = new Random(42);

    float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    @Test
    void dotAndAxpyMatchScalar() {
        for (int n : new int[]{0, 1, 7, 8, 9, 31, 64, 100, 513}) {
            float[] a = random(n + 5), b = random(n + 3);
            double mag = 0;
            for (int i = 0; i < n; i++) mag += Math.abs(a[i + 5] * b[i + 3]);
            assertEquals(VectorMath.dotScalar(a, 5, b, 3, n), VectorMath.dot(a, 5, b, 3, n), 1e-5 * Math.max(1, mag), "dot n=" + n);
            float[] y1 = random(n + 2), y2 = y1.clone();
            VectorMath.axpy(0.37f, a, 5, y1, 2, n);
            VectorMath.axpyScalar(0.37f, a, 5, y2, 2, n);
            for (int i = 0; i < y1.length; i++) assertEquals(y2[i], y1[i], 1e-6f * (1 + Math.abs(y2[i])), "axpy n=" + n);
        }
    }

    @Test
    void topKSelectAndStreamingMatchReference() {
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(300), k = 1 + rnd.nextInt(n);
            float[] s = new float[n];
            // few distinct values so that ties at the cut are common
            for (int i = 0; i < n; i++) s[i] = rnd.nextInt(trial % 2 == 0 ? 5 : 1000);
            int[] ref = new int[k], fast = new int[k + 3], heapIdx = new int[k + 1];
            float[] heapScore = new float[k + 1];
            TopK.selectReference(s, n, k, ref);
            TopK.select(s, n, k, fast, 3);
            int size = 0;
            for (int i = 0; i < n; i++) size = TopK.offer(heapScore, heapIdx, 1, size, k, s[i], i);
            Arrays.sort(heapIdx, 1, 1 + size);
            assertArrayEquals(ref, Arrays.copyOfRange(fast, 3, 3 + k), "select n=" + n + " k=" + k);
            assertArrayEquals(ref, Arrays.copyOfRange(heapIdx, 1, 1 + size), "offer n=" + n + " k=" + k);
        }
    }

    @Test
    void hadamardMatchesDenseMatrixAndIsOrthonormal() {
        for (int n : new int[]{1, 2, 4, 16, 128}) {
            float[] x = random(n + 1), fast = x.clone(), ref = x.clone();
            Hadamard.rotate(fast, 1, n);
            Hadamard.rotateReference(ref, 1, n);
            for (int i = 0; i < x.length; i++) assertEquals(ref[i], fast[i], 1e-5, "n=" + n);
            double a = 0, b = 0;
            for (int i = 1; i <= n; i++) { a += x[i] * x[i]; b += fast[i] * fast[i]; }
            assertEquals(a, b, 1e-4 * a);
        }
    }

    @Test
    void expMatchesScalarTwinAndMathExp() {
        for (int n : new int[]{0, 1, 7, 16, 33, 100}) {
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 190 - 100); // [-100, 90]
            x[0] = 0f;
            float[] v = x.clone(), s = x.clone();
            float sv = VectorMath.expShifted(v, 2, n, 0.25f), ss = VectorMath.expShiftedScalar(s, 2, n, 0.25f);
            double sum = 0;
            for (int i = 2; i < n + 2; i++) {
                assertEquals(s[i], v[i], "vector exp and its scalar twin differ at " + (x[i] - 0.25f));
                double ref = Math.exp(x[i] - 0.25f);
                sum += ref;
                if (x[i] - 0.25f > 88) continue; // outside the documented range
                if (ref < 1e-37) assertTrue(v[i] <= 2e-37, "tiny results flush to (near) 0");
                else assertEquals(ref, v[i], 1e-6 * ref, "exp(" + (x[i] - 0.25f) + ")");
            }
            assertEquals(ss, sv, 1e-6 * Math.max(1, Math.abs(ss)), "sum n=" + n);
        }
        for (float x = -87f; x <= 88f; x += 0.01f) {
            double ref = Math.exp(x);
            assertEquals(ref, VectorMath.expScalar(x), 1e-6 * ref, "exp(" + x + ")");
        }
        assertEquals(0f, VectorMath.expScalar(Float.NEGATIVE_INFINITY));
        assertEquals(1f, VectorMath.expScalar(0f));
    }

    @Test
    void filteredTopKOffersMatchOfferingEveryScore() {
        for (int trial = 0; trial < 300; trial++) {
            int k = 1 + rnd.nextInt(12), values = trial % 3 == 0 ? 3 : 1000;
            float[] hs1 = new float[k + 2], hs2 = new float[k + 2];
            int[] hi1 = new int[k + 2], hi2 = new int[k + 2];
            int size1 = 0, size2 = 0, idx = 0;
            for (int call = 0; call < 6; call++) { // a stream of tiles, indices increasing
                int n = rnd.nextInt(3 * VectorMath.L + 4), so = rnd.nextInt(5);
                float[] s = new float[so + n];
                for (int i = 0; i < s.length; i++) s[i] = trial % 5 == 0 ? -rnd.nextInt(values) : rnd.nextInt(values) - values / 3;
                size1 = TopK.offerAll(hs1, hi1, 2, size1, k, s, so, n, idx);
                size2 = TopK.offerAllScalar(hs2, hi2, 2, size2, k, s, so, n, idx);
                idx += n + rnd.nextInt(3);
                assertEquals(size2, size1);
                assertArrayEquals(hi2, hi1, "heap indices, trial " + trial);
                assertArrayEquals(hs2, hs1, "heap scores, trial " + trial);
            }
        }
    }
}
