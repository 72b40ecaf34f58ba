package io.jseek.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Measures the machine's sustained memory read bandwidth with the same team of threads the model
 * uses: a SIMD sum over a buffer much larger than the caches. Benchmarks report speed as a fraction
 * of this figure, measured in the same run.
 */
public final class Bandwidth {
    private Bandwidth() {
    }

    /** Best-of-{@code reps} read bandwidth in bytes/s over a {@code bytes}-sized off-heap buffer. */
    public static double measure(Parallel par, long bytes, int reps) {
        try (Arena arena = Arena.ofShared()) { // shared: the team reads it from several threads
            MemorySegment buf = arena.allocate(bytes, 64);
            buf.fill((byte) 1);
            int blocks = (int) (bytes >> 20); // 1 MiB blocks, split across threads
            float[] sink = new float[blocks];
            Parallel.Range sum = (lo, hi) -> {
                for (int b = lo; b < hi; b++) sink[b] = sumBlock(buf, (long) b << 20, 1 << 20);
            };
            double best = 0;
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                par.forRange(blocks, 1, sum);
                long dt = System.nanoTime() - t0;
                best = Math.max(best, (double) blocks * (1 << 20) / (dt / 1e9));
            }
            float s = 0;
            for (float x : sink) s += x;
            if (s == 42) System.out.print(""); // keep the sums alive
            return best;
        }
    }

    private static float sumBlock(MemorySegment m, long off, int n) {
        var F = VectorMath.F;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int step = F.vectorByteSize();
        for (long i = off, end = off + n; i < end; i += 4L * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, m, i, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, m, i + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, m, i + 2L * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, m, i + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
