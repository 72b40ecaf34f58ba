package io.jseek.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that split a range of independent work items (matrix rows, heads, tokens).
 * The caller's thread takes part. Submitting work allocates nothing: a job is a {@link Range} object the
 * caller keeps, and workers spin briefly then park between jobs, which keeps the per-matmul hand-off
 * at a few microseconds in the decode loop.
 */
public final class Parallel implements AutoCloseable {
    /** Work items [lo, hi) of the current job. */
    public interface Range {
        void run(int lo, int hi);
    }

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    /** Workers currently looking at a job's parameters; a new job waits for this to drop to 0. */
    private final AtomicInteger active = new AtomicInteger();
    private volatile Range job;
    private volatile int jobSize, chunkSize, nChunks;
    private volatile long generation;
    private volatile boolean closed;
    private final MatmulJob matmul = new MatmulJob();

    public Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.workers = new Thread[this.threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "jseek-worker-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code r} over [0, n), split into chunks of at least {@code minChunk} items. */
    public synchronized void forRange(int n, int minChunk, Range r) {
        if (n <= 0) return;
        if (threads == 1 || n <= minChunk) {
            r.run(0, n);
            return;
        }
        while (active.get() > 0) Thread.onSpinWait();
        int chunks = Math.min(threads * 4, (n + minChunk - 1) / minChunk);
        int size = (n + chunks - 1) / chunks;
        chunks = (n + size - 1) / size;
        job = r;
        jobSize = n;
        chunkSize = size;
        nChunks = chunks;
        nextChunk.set(0);
        pending.set(chunks);
        generation++;
        for (Thread w : workers) LockSupport.unpark(w);
        drain();
        while (pending.get() > 0) Thread.onSpinWait();
        job = null;
    }

    /** {@code w.matmul} with its rows split across the team. */
    public void matmul(WeightMatrix w, float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T) {
        matmul(w, x, xOff, xStride, y, yOff, yStride, T, 0, w.rows());
    }

    /** Rows [r0, r1) only (used by the grouped output projection). */
    public void matmul(WeightMatrix w, float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        long work = (long) (r1 - r0) * w.cols() * T;
        if (threads == 1 || work < 1 << 16) {
            w.matmul(x, xOff, xStride, y, yOff, yStride, T, r0, r1);
            return;
        }
        synchronized (this) {
            matmul.set(w, x, xOff, xStride, y, yOff, yStride, T, r0);
            forRange(r1 - r0, 8, matmul);
            matmul.set(null, null, 0, 0, null, 0, 0, 0, 0);
        }
    }

    public void matmul(WeightMatrix w, float[] x, float[] y, int T) {
        matmul(w, x, 0, w.cols(), y, 0, w.rows(), T);
    }

    private void drain() {
        Range r = job;
        if (r == null) return;
        int n = jobSize, size = chunkSize, chunks = nChunks;
        int c;
        while ((c = nextChunk.getAndIncrement()) < chunks) {
            int lo = c * size;
            try {
                r.run(lo, Math.min(n, lo + size));
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    private void workerLoop() {
        long seen = 0;
        while (!closed) {
            if (generation != seen) {
                active.incrementAndGet();
                long g = generation;
                if (g != seen) {
                    seen = g;
                    if (job != null) drain();
                }
                active.decrementAndGet();
                continue;
            }
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < 20_000) Thread.onSpinWait();
                else LockSupport.parkNanos(200_000);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }

    private static final class MatmulJob implements Range {
        WeightMatrix w;
        float[] x, y;
        int xOff, xStride, yOff, yStride, T, r0;

        void set(WeightMatrix w, float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0) {
            this.r0 = r0;
            this.w = w;
            this.x = x;
            this.xOff = xOff;
            this.xStride = xStride;
            this.y = y;
            this.yOff = yOff;
            this.yStride = yStride;
            this.T = T;
        }

        @Override
        public void run(int lo, int hi) {
            w.matmul(x, xOff, xStride, y, yOff, yStride, T, r0 + lo, r0 + hi);
        }
    }
}
