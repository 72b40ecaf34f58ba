package io.jseek.generate;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    /** Logits whose softmax is exactly 0.1, 0.2, 0.3, 0.4. */
    private static final float[] LOGITS = {(float) Math.log(0.1), (float) Math.log(0.2), (float) Math.log(0.3), (float) Math.log(0.4)};
    private static final int DRAWS = 100_000;

    private static SamplingParams params(double temperature, double topP, int topK, double minP, long seed) {
        return new SamplingParams(temperature, topP, topK, minP, 0, 0, seed, null, List.of());
    }

    private static double[] frequencies(Sampler s, float[] logits) {
        double[] f = new double[logits.length];
        for (int i = 0; i < DRAWS; i++) f[s.sample(logits)]++;
        for (int k = 0; k < f.length; k++) f[k] /= DRAWS;
        return f;
    }

    private static void assertClose(double[] expected, double[] actual) {
        // 100k draws: standard error <= 0.0016, so 0.01 is > 6 sigma
        for (int k = 0; k < expected.length; k++) assertEquals(expected[k], actual[k], 0.01, "token " + k + " in " + Arrays.toString(actual));
    }

    @Test
    void greedyTakesArgmaxLowestIdOnTies() {
        Sampler s = new Sampler(params(0, 1, 0, 0, 1), 4);
        assertEquals(3, s.sample(LOGITS));
        assertEquals(1, s.sample(new float[]{0, 5, 5, 1}));
        assertEquals(2, s.sample(new float[]{Float.NaN, -1, 3, 2}));
    }

    @Test
    void plainSamplingFollowsSoftmax() {
        assertClose(new double[]{0.1, 0.2, 0.3, 0.4}, frequencies(new Sampler(params(1, 1, 0, 0, 42), 4), LOGITS));
    }

    @Test
    void temperatureSharpens() {
        // T = 0.5 squares the probabilities: 1, 4, 9, 16 over 30
        assertClose(new double[]{1 / 30.0, 4 / 30.0, 9 / 30.0, 16 / 30.0},
                frequencies(new Sampler(params(0.5, 1, 0, 0, 3), 4), LOGITS));
    }

    @Test
    void topKKeepsTheKBestRenormalised() {
        assertClose(new double[]{0, 0, 3 / 7.0, 4 / 7.0}, frequencies(new Sampler(params(1, 1, 2, 0, 5), 4), LOGITS));
        assertClose(new double[]{0, 0, 0, 1}, frequencies(new Sampler(params(1, 1, 1, 0, 5), 4), LOGITS));
    }

    @Test
    void topPKeepsSmallestSetReachingTheMass() {
        assertClose(new double[]{0, 0, 0, 1}, frequencies(new Sampler(params(1, 0.35, 0, 0, 9), 4), LOGITS));
        assertClose(new double[]{0, 0, 3 / 7.0, 4 / 7.0}, frequencies(new Sampler(params(1, 0.65, 0, 0, 9), 4), LOGITS));
        assertClose(new double[]{0, 2 / 9.0, 3 / 9.0, 4 / 9.0}, frequencies(new Sampler(params(1, 0.75, 0, 0, 9), 4), LOGITS));
    }

    @Test
    void minPDropsTokensBelowFractionOfTheTop() {
        // 0.45 x 0.4 = 0.18: only token 0 (0.1) falls below
        assertClose(new double[]{0, 2 / 9.0, 3 / 9.0, 4 / 9.0}, frequencies(new Sampler(params(1, 1, 0, 0.45, 11), 4), LOGITS));
    }

    @Test
    void presencePenaltyChangesArgmax() {
        float[] logits = {2.0f, 1.9f, 0f};
        Sampler s = new Sampler(new SamplingParams(0, 1, 0, 0, 0.5, 0, null, null, List.of()), 3);
        assertEquals(0, s.sample(logits));
        s.accept(0);
        assertEquals(1, s.sample(logits));
        assertArrayEquals(new float[]{2.0f, 1.9f, 0f}, logits, "caller's logits untouched");
    }

    @Test
    void frequencyPenaltyScalesWithCount() {
        float[] logits = {2.0f, 1.9f, 0f};
        Sampler s = new Sampler(new SamplingParams(0, 1, 0, 0, 0, 0.06, null, null, List.of()), 3);
        s.accept(0);
        assertEquals(0, s.sample(logits)); // 2.0 - 0.06 > 1.9
        s.accept(0);
        assertEquals(1, s.sample(logits)); // 2.0 - 0.12 < 1.9
    }

    @Test
    void negativePresencePenaltyPromotes() {
        Sampler s = new Sampler(new SamplingParams(0, 1, 0, 0, -1, 0, null, null, List.of()), 3);
        s.accept(2);
        assertEquals(2, s.sample(new float[]{2.0f, 1.9f, 1.5f}));
    }

    @Test
    void sameSeedSameSequence() {
        float[] logits = randomLogits(1000, 1, 1);
        int[] a = draws(new Sampler(params(0.8, 0.95, 50, 0.01, 1234), 1000), logits);
        int[] b = draws(new Sampler(params(0.8, 0.95, 50, 0.01, 1234), 1000), logits);
        int[] c = draws(new Sampler(params(0.8, 0.95, 50, 0.01, 1235), 1000), logits);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void largeVocabTopPMatchesNaiveNucleus() {
        int vocab = 10_000;
        float[] logits = randomLogits(vocab, 3, 2); // peaked: exercises the nucleus pre-filter
        Integer[] order = byLogitDescending(logits);
        double[] prob = new double[vocab];
        double z = 0;
        for (int k = 0; k < vocab; k++) z += prob[k] = Math.exp(logits[k] - logits[order[0]]);
        Set<Integer> nucleus = new HashSet<>();
        double acc = 0;
        for (Integer k : order) {
            nucleus.add(k);
            acc += prob[k] / z;
            if (acc >= 0.9) break;
        }
        Sampler s = new Sampler(params(1, 0.9, 0, 0, 8), vocab);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) seen.add(s.sample(logits));
        assertTrue(nucleus.containsAll(seen), "top_p drew outside the nucleus");
        assertTrue(seen.size() > 1);
    }

    @Test
    void largeVocabTopKMatchesNaiveTopK() {
        int vocab = 10_000;
        float[] logits = randomLogits(vocab, 0.3, 6); // flat: every one of the k candidates gets drawn
        Set<Integer> top50 = new HashSet<>(Arrays.asList(byLogitDescending(logits)).subList(0, 50));
        Sampler s = new Sampler(params(1, 1, 50, 0, 8), vocab);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) seen.add(s.sample(logits));
        assertEquals(top50, seen);
    }

    private static Integer[] byLogitDescending(float[] logits) {
        return IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.comparingDouble((Integer k) -> -logits[k])).toArray(Integer[]::new);
    }

    @Test
    void samplingAllocatesNothingPerToken() {
        int vocab = 32_000;
        float[] logits = randomLogits(vocab, 2, 4);
        Sampler s = new Sampler(new SamplingParams(0.7, 0.9, 0, 0.001, 0.2, 0.1, 1L, null, List.of()), vocab);
        for (int i = 0; i < 200; i++) s.accept(s.sample(logits)); // warm up the JIT
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100; i++) s.accept(s.sample(logits));
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        // a single per-token buffer would be >= 128 KB per draw; allow only measurement noise
        assertTrue(allocated < 16_384, "allocated " + allocated + " bytes for 100 draws");
    }

    private static int[] draws(Sampler s, float[] logits) {
        int[] out = new int[500];
        for (int i = 0; i < out.length; i++) out[i] = s.sample(logits);
        return out;
    }

    private static float[] randomLogits(int n, double scale, long seed) {
        Random r = new Random(seed);
        float[] l = new float[n];
        for (int k = 0; k < n; k++) l[k] = (float) (r.nextGaussian() * scale);
        return l;
    }
}
