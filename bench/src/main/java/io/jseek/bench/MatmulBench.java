package io.jseek.bench;

import io.jseek.kernels.BF16Matrix;
import io.jseek.kernels.FP4Matrix;
import io.jseek.kernels.FP8Matrix;
import io.jseek.kernels.WeightMatrix;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Single-thread matmul kernels on a weight of about 64 MiB (well beyond the caches, so T=1 measures
 * streaming from DRAM; {@code -p weightMiB=1} keeps it in L2 and measures the kernel alone). {@code matvec} is decode (T=1, memory-bound); {@code matmul16} is prefill
 * (T=16, compute-bound). Besides calls per second, the {@code weightBytes} and {@code flops}
 * counters report rates per second (divide by 1e9 for GB/s and GFLOP/s).
 *
 * <pre>java -jar bench/target/benchmarks.jar MatmulBench</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@State(Scope.Benchmark)
public class MatmulBench {
    /** Weight size: 64 MiB streams from DRAM; 1 MiB stays in L2, which separates decode cost from memory cost. */
    @Param({"64"})
    public int weightMiB;

    @Param({"FP8", "FP4", "BF16"})
    public String format;

    /** Input width: the model dimension of DeepSeek-V4-Flash. */
    @Param({"7168"})
    public int cols;

    private Arena arena;
    private WeightMatrix w;
    private float[] x, y;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        SplittableRandom rnd = new SplittableRandom(1);
        w = switch (format) {
            case "FP8" -> {
                int rows = (int) (((long) weightMiB << 20) / cols);
                MemorySegment q = randomBytes(arena, (long) rows * cols, rnd);
                for (long i = 0; i < q.byteSize(); i++) {
                    if ((q.get(ValueLayout.JAVA_BYTE, i) & 0x7F) == 0x7F) q.set(ValueLayout.JAVA_BYTE, i, (byte) 0x7E); // no NaN codes
                }
                yield new FP8Matrix(q, scales(arena, (long) ((rows + 127) / 128) * ((cols + 127) / 128)), rows, cols);
            }
            case "FP4" -> {
                int rows = (int) (((long) weightMiB << 20) / (cols / 2));
                yield new FP4Matrix(randomBytes(arena, (long) rows * cols / 2, rnd), scales(arena, (long) rows * ((cols + 31) / 32)), rows, cols);
            }
            case "BF16" -> {
                int rows = (int) (((long) weightMiB << 20) / (2L * cols));
                MemorySegment m = randomBytes(arena, (long) rows * cols * 2, rnd);
                for (long i = 1; i < m.byteSize(); i += 2) m.set(ValueLayout.JAVA_BYTE, i, (byte) (0x3C + (m.get(ValueLayout.JAVA_BYTE, i) & 0x83))); // finite, moderate exponents
                yield new BF16Matrix(m, rows, cols);
            }
            default -> throw new IllegalArgumentException(format);
        };
        x = new float[16 * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        y = new float[16 * w.rows()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    private static MemorySegment randomBytes(Arena arena, long n, SplittableRandom rnd) {
        MemorySegment m = arena.allocate(n, 64);
        long i = 0;
        for (; i + 8 <= n; i += 8) m.set(ValueLayout.JAVA_LONG_UNALIGNED, i, rnd.nextLong());
        for (; i < n; i++) m.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
        return m;
    }

    /** e8m0 scales near 2^-8, typical of quantised weights. */
    private static MemorySegment scales(Arena arena, long n) {
        MemorySegment s = arena.allocate(n, 1);
        s.fill((byte) 119);
        return s;
    }

    /** Rates of weight bytes streamed and floating-point operations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public long weightBytes;
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            weightBytes = 0;
            flops = 0;
        }
    }

    @Benchmark
    public float[] matvec(Rates rates) {
        w.matmul(x, 0, cols, y, 0, w.rows(), 1, 0, w.rows());
        rates.weightBytes += w.bytes();
        rates.flops += 2L * w.rows() * cols;
        return y;
    }

    @Benchmark
    public float[] matmul16(Rates rates) {
        w.matmul(x, 0, cols, y, 0, w.rows(), 16, 0, w.rows());
        rates.weightBytes += w.bytes();
        rates.flops += 2L * 16 * w.rows() * cols;
        return y;
    }
}
