package io.jseek.kernels;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that split a range of independent work items (matrix rows, heads, tokens).
 * The caller's thread takes part. Submitting work allocates nothing: a job is a {@link Range} object the
 * caller keeps, and workers spin briefly then park between jobs, which keeps the per-matmul hand-off
 * at a few microseconds in the decode loop.
 *
 * <p>Hand-off protocol. The caller (one at a time, under the monitor) writes the job's parameters,
 * then publishes the job with a volatile write of {@link #job}. A worker first registers in
 * {@link #active}, then reads {@link #job}: a non-null job seen this way has complete parameters,
 * and they cannot change while the worker is registered, because a job ends with {@code job = null}
 * followed by waiting for {@code active == 0} (the registration and that check are ordered like
 * Dekker's flags: either the caller sees the worker, or the worker sees null). So when a call returns,
 * no worker still touches its {@link Range}. An exception in any chunk (on any thread) is rethrown by
 * the caller once all threads have left the job; the remaining chunks are skipped.
 */
public final class Parallel implements AutoCloseable {
    /** Work items [lo, hi) of the current job. */
    public interface Range {
        void run(int lo, int hi);
    }

    private static final int SPINS = 20_000;
    /** Fewest rows per matmul chunk: a chunk repeats the kernel's per-call setup (packing x, band scales). */
    private static final int MIN_ROWS = 16;
    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger nextItem = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Range job;
    /** Parameters of {@link #job}, published by its volatile write: items and the minimum chunk. */
    private int jobSize, minChunk;
    private volatile long generation;
    private volatile boolean closed;
    private final MatmulJob matmul = new MatmulJob();
    private final Batch batch = new Batch();

    public Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.workers = new Worker[this.threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, i + 1);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code r} over [0, n), split into chunks of at least {@code minChunk} items (but the last). Calls from
     * inside a running job (on the caller or a worker) run inline on the calling thread.
     */
    public void forRange(int n, int minChunk, Range r) {
        if (n <= 0) return;
        if (threads == 1 || n <= minChunk || nested()) {
            r.run(0, n);
            return;
        }
        synchronized (this) {
            run(n, minChunk, r);
        }
    }

    /** {@code w.matmul} with its rows split across the team. */
    public void matmul(WeightMatrix w, float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T) {
        matmul(w, x, xOff, xStride, y, yOff, yStride, T, 0, w.rows());
    }

    /** Rows [r0, r1) only (used by the grouped output projection). */
    public void matmul(WeightMatrix w, float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        long work = (long) (r1 - r0) * w.cols() * T;
        if (threads == 1 || work < 1 << 16 || nested()) {
            w.matmul(x, xOff, xStride, y, yOff, yStride, T, r0, r1);
            return;
        }
        synchronized (this) {
            matmul.set(w, x, xOff, xStride, y, yOff, yStride, T, r0);
            try {
                run(r1 - r0, MIN_ROWS, matmul);
            } finally {
                matmul.set(null, null, 0, 0, null, 0, 0, 0, 0);
            }
        }
    }

    public void matmul(WeightMatrix w, float[] x, float[] y, int T) {
        matmul(w, x, 0, w.cols(), y, 0, w.rows(), T);
    }

    /**
     * The team's batch, emptied: fill it with {@link Batch#add} and run it with {@link #matmul(Batch)}.
     * One batch is built at a time, on the caller's thread.
     */
    public Batch batch() {
        batch.clear();
        return batch;
    }

    /**
     * Runs all matmuls of {@code b} as one job over their concatenated rows: one hand-off instead of
     * one per matrix (decode runs ~300 small matmuls per token, and every hand-off ends with the
     * team waiting for its slowest chunk).
     */
    public void matmul(Batch b) {
        if (threads == 1 || b.work < 1 << 16 || nested()) {
            b.run(0, b.totalRows);
            return;
        }
        synchronized (this) {
            run(b.totalRows, MIN_ROWS, b);
        }
    }

    /** A worker of this team, or the caller inside its own job: a nested job would deadlock or clobber the current one. */
    private boolean nested() {
        return Thread.currentThread() instanceof Worker w && w.team == this || Thread.holdsLock(this);
    }

    /** One job; the caller holds the monitor. */
    private void run(int n, int minChunk, Range r) {
        if (closed) throw new IllegalStateException("Parallel team is closed");
        jobSize = n;
        this.minChunk = Math.max(1, minChunk);
        nextItem.set(0);
        pending.set(n);
        job = r;
        generation++;
        for (Worker w : workers) LockSupport.unpark(w);
        drain(r);
        while (pending.get() > 0) Thread.onSpinWait();
        job = null;
        while (active.get() > 0) Thread.onSpinWait();
        Throwable f = failure.getAndSet(null);
        if (f instanceof RuntimeException e) throw e;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException("parallel job failed", f);
    }

    /**
     * Claims and runs chunks of {@code r} until none is left; never throws. Guided scheduling: a claim
     * takes 1/(2·threads) of what is left (at least the job's minimum chunk), so the first chunks are
     * large and the last ones small, and the team finishes a job nearly together without many chunks
     * (each chunk repeats a kernel's per-call setup, such as packing x).
     */
    private void drain(Range r) {
        int n = jobSize, min = minChunk, div = 2 * threads;
        while (true) {
            int lo = nextItem.get();
            if (lo >= n) return;
            int hi = Math.min(n, lo + Math.max(min, (n - lo) / div));
            if (!nextItem.compareAndSet(lo, hi)) continue;
            try {
                if (failure.get() == null) r.run(lo, hi);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                pending.addAndGet(lo - hi);
            }
        }
    }

    private void workerLoop() {
        long seen = 0;
        int idle = 0;
        while (!closed) {
            long g = generation;
            if (g != seen) {
                seen = g;
                idle = 0;
                active.incrementAndGet();
                Range r = job;
                if (r != null) drain(r);
                active.decrementAndGet();
            } else if (++idle < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Stops the workers and waits for them to exit. */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w);
        boolean interrupted = false;
        for (Worker w : workers) {
            while (w.isAlive()) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static final class Worker extends Thread {
        final Parallel team;

        Worker(Parallel team, int i) {
            super("jseek-worker-" + i);
            this.team = team;
            setDaemon(true);
        }

        @Override
        public void run() {
            team.workerLoop();
        }
    }

    /** Matmuls with independent outputs, {@code y = x @ W^T} each (see {@link WeightMatrix#matmul}). */
    public static final class Batch implements Range {
        private WeightMatrix[] w = new WeightMatrix[0];
        private float[][] x = new float[0][], y = new float[0][];
        /** Per matmul: xOff, xStride, yOff, yStride, T, first row in the concatenation, first matrix row, row count. */
        private int[] p = new int[0];
        private int n, totalRows;
        private long work;

        private Batch() {
        }

        public void add(WeightMatrix m, float[] xs, int xOff, int xStride, float[] ys, int yOff, int yStride, int T) {
            add(m, xs, xOff, xStride, ys, yOff, yStride, T, 0, m.rows());
        }

        /** Only rows [r0, r1) of {@code m} (the grouped output projection uses one row band per group). */
        public void add(WeightMatrix m, float[] xs, int xOff, int xStride, float[] ys, int yOff, int yStride, int T, int r0, int r1) {
            if (n == w.length) {
                int cap = Math.max(8, 2 * n);
                w = Arrays.copyOf(w, cap);
                x = Arrays.copyOf(x, cap);
                y = Arrays.copyOf(y, cap);
                p = Arrays.copyOf(p, 8 * cap);
            }
            w[n] = m;
            x[n] = xs;
            y[n] = ys;
            int o = 8 * n;
            p[o] = xOff;
            p[o + 1] = xStride;
            p[o + 2] = yOff;
            p[o + 3] = yStride;
            p[o + 4] = T;
            p[o + 5] = totalRows;
            p[o + 6] = r0;
            p[o + 7] = r1 - r0;
            totalRows += r1 - r0;
            work += (long) (r1 - r0) * m.cols() * T;
            n++;
        }

        private void clear() {
            Arrays.fill(w, 0, n, null);
            Arrays.fill(x, 0, n, null);
            Arrays.fill(y, 0, n, null);
            n = totalRows = 0;
            work = 0;
        }

        /** Rows [lo, hi) of the concatenation, matrix by matrix. */
        @Override
        public void run(int lo, int hi) {
            for (int i = 0; i < n && lo < hi; i++) {
                int o = 8 * i, first = p[o + 5], end = first + p[o + 7], base = p[o + 6];
                if (lo >= end) continue;
                int r1 = Math.min(hi, end);
                w[i].matmul(x[i], p[o], p[o + 1], y[i], p[o + 2], p[o + 3], p[o + 4], base + lo - first, base + r1 - first);
                lo = r1;
            }
        }
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
