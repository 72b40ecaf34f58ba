package io.jseek.kernels;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The thread team: results equal to one thread, every item run exactly once, failures surface. */
class ParallelTest {
    static final Duration LIMIT = Duration.ofMinutes(2);

    /**
     * Parallel against serial on the same weights. Not bit for bit: lane reductions may round
     * differently in interpreted and compiled code; a race (a row skipped, run with another job's
     * parameters or written twice) is far outside the tolerance of {@link WeightMatrixTest#TOL}.
     */
    @Test
    void parallelMatmulsEqualSingleThreaded() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Random rnd = new Random(5);
            try (Parallel par = new Parallel(4)) {
                for (int iter = 0; iter < 300; iter++) {
                    WeightMatrixTest.Format f = WeightMatrixTest.Format.values()[iter % 4];
                    int rows = 64 + rnd.nextInt(200), cols = 128 + 2 * rnd.nextInt(200);
                    int T = WeightMatrixTest.TOKENS[rnd.nextInt(WeightMatrixTest.TOKENS.length)];
                    WeightMatrix w = WeightMatrixTest.random(f, rows, cols, rnd, null);
                    float[] x = new float[T * cols];
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                    float[] serial = new float[T * rows], parallel = new float[T * rows];
                    w.matmul(x, serial, T);
                    int r0 = rnd.nextInt(8);
                    par.matmul(w, x, 0, cols, parallel, 0, rows, T, r0, rows);
                    par.matmul(w, x, 0, cols, parallel, 0, rows, T, 0, r0);
                    float[] row = new float[cols];
                    for (int r = 0; r < rows; r++) {
                        w.row(r, row, 0);
                        for (int t = 0; t < T; t++) {
                            double mag = 0;
                            for (int c = 0; c < cols; c++) mag += Math.abs(row[c] * x[t * cols + c]);
                            int i = t * rows + r;
                            assertEquals(serial[i], parallel[i], WeightMatrixTest.TOL * mag, f + " " + rows + "x" + cols + " T=" + T + " row " + r);
                        }
                    }
                }
            }
        });
    }

    /** A batch of matmuls of every format, sharing and not sharing inputs, against each run alone. */
    @Test
    void batchEqualsSeparateMatmuls() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Random rnd = new Random(8);
            try (Parallel par = new Parallel(3)) {
                for (int iter = 0; iter < 40; iter++) {
                    int n = 1 + rnd.nextInt(6), T = 1 + rnd.nextInt(5);
                    WeightMatrix[] w = new WeightMatrix[n];
                    float[][] x = new float[n][], y = new float[n][];
                    float[] shared = null;
                    int[] lo = new int[n], hi = new int[n];
                    Parallel.Batch b = par.batch();
                    for (int i = 0; i < n; i++) {
                        int rows = 1 + rnd.nextInt(150), cols = 2 + 2 * rnd.nextInt(150);
                        w[i] = WeightMatrixTest.random(WeightMatrixTest.Format.values()[rnd.nextInt(4)], rows, cols, rnd, null);
                        if (shared == null || shared.length < T * cols || rnd.nextBoolean()) {
                            shared = new float[T * cols + 3];
                            for (int k = 0; k < shared.length; k++) shared[k] = (float) rnd.nextGaussian();
                        }
                        x[i] = shared;
                        y[i] = new float[T * rows + 1];
                        // half of the matmuls cover only a band of rows (as the grouped output projection does)
                        lo[i] = rnd.nextBoolean() ? 0 : rnd.nextInt(rows);
                        hi[i] = lo[i] == 0 && rnd.nextBoolean() ? rows : lo[i] + 1 + rnd.nextInt(rows - lo[i]);
                        if (lo[i] == 0 && hi[i] == rows) b.add(w[i], x[i], 1, cols, y[i], 1, rows, T);
                        else b.add(w[i], x[i], 1, cols, y[i], 1, rows, T, lo[i], hi[i]);
                    }
                    par.matmul(b);
                    for (int i = 0; i < n; i++) {
                        float[] ref = new float[y[i].length];
                        w[i].matmul(x[i], 1, w[i].cols(), ref, 1, w[i].rows(), T, 0, w[i].rows());
                        float[] row = new float[w[i].cols()];
                        for (int r = 0; r < w[i].rows(); r++) {
                            w[i].row(r, row, 0);
                            for (int t = 0; t < T; t++) {
                                double mag = 0;
                                for (int c = 0; c < row.length; c++) mag += Math.abs(row[c] * x[i][1 + t * row.length + c]);
                                int k = 1 + t * w[i].rows() + r;
                                if (r < lo[i] || r >= hi[i]) assertEquals(0f, y[i][k], "batch " + iter + " matmul " + i + " row " + r + " is outside its band");
                                else assertEquals(ref[k], y[i][k], WeightMatrixTest.TOL * mag, "batch " + iter + " matmul " + i + " row " + r);
                            }
                        }
                        assertEquals(0f, y[i][0], "batch " + iter + " matmul " + i + ": wrote before its output");
                    }
                }
            }
        });
    }

    @Test
    void everyItemRunsOnceAcrossManyJobs() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Parallel par = new Parallel(3)) {
                Random rnd = new Random(1);
                for (int job = 0; job < 20_000; job++) {
                    int n = 1 + rnd.nextInt(200), min = 1 + rnd.nextInt(12);
                    int[] hits = new int[n];
                    java.util.concurrent.atomic.AtomicInteger small = new java.util.concurrent.atomic.AtomicInteger();
                    par.forRange(n, min, (lo, hi) -> {
                        for (int i = lo; i < hi; i++) hits[i]++;
                        if (hi - lo < min && hi < n) small.incrementAndGet(); // only the last chunk may be short
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, hits[i], "job " + job + " item " + i);
                    assertEquals(0, small.get(), "job " + job + ": a chunk below the minimum " + min + " before the end");
                }
            }
        });
    }

    @Test
    void workerExceptionReachesTheCallerAndTheTeamStaysUsable() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Parallel par = new Parallel(3)) {
                for (int round = 0; round < 200; round++) {
                    IllegalArgumentException boom = new IllegalArgumentException("boom");
                    int bad = round % 64;
                    Throwable t = assertThrows(IllegalArgumentException.class, () -> par.forRange(64, 1, (lo, hi) -> {
                        if (lo <= bad && bad < hi) throw boom;
                    }));
                    assertSame(boom, t);
                    AtomicInteger sum = new AtomicInteger();
                    par.forRange(100, 1, (lo, hi) -> sum.addAndGet(hi - lo));
                    assertEquals(100, sum.get());
                }
                assertThrows(AssertionError.class, () -> par.forRange(10, 1, (lo, hi) -> {
                    throw new AssertionError("error");
                }));
            }
        });
    }

    @Test
    void nestedJobsRunInline() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Parallel par = new Parallel(3)) {
                AtomicInteger count = new AtomicInteger();
                par.forRange(16, 1, (lo, hi) -> {
                    for (int i = lo; i < hi; i++) par.forRange(10, 1, (a, b) -> count.addAndGet(b - a));
                });
                assertEquals(160, count.get());
            }
        });
    }

    @Test
    void closedTeamRefusesWork() {
        Parallel par = new Parallel(2);
        par.close();
        assertThrows(IllegalStateException.class, () -> par.forRange(100, 1, (lo, hi) -> { }));
    }
}
