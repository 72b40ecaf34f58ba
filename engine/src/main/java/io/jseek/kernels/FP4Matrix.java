package io.jseek.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.jseek.kernels.VectorMath.F;
import static io.jseek.kernels.VectorMath.I;
import static io.jseek.kernels.VectorMath.L;

/**
 * fp4 e2m1 weights packed two per byte along the input dimension (low nibble = element 2k,
 * high nibble = element 2k+1) with one e8m0 scale per 32 inputs of a row (spec §10.2).
 * {@code cols} is even.
 *
 * <p>The SIMD paths load {@link #RUN} = 8·L columns (4L bytes) as L int lanes, lane i holding
 * columns 8i..8i+7 of the run as its 8 nibbles, and decode nibble j of every lane by shifting it to
 * the bottom and looking it up in a 16-entry table held in registers (one permute; a bit-trick decode
 * took three operations per vector and produced float subnormals, which stall the FMA). So vector j
 * holds columns 8i+j: instead of interleaving the weights, the inputs are permuted once per call,
 * each run transposed as an 8×L matrix ({@link #pack}). A lane's 8 columns lie in one 32-column
 * group, lanes 4q..4q+3 in the run's group q, so the group scales apply as one vector per run.
 * Columns after the last full run keep the natural order and are handled by scalar code.
 */
public final class FP4Matrix implements WeightMatrix, Gemm.Tiles {
    static final int GROUP = 32;
    /** Columns per SIMD step: 8 nibbles in each of L int lanes. */
    static final int RUN = 8 * L;
    /** The 16 e2m1 values as float bits, repeated to fill 2L lanes (a lookup index wraps modulo 2L). */
    private static final IntVector TABLE_LO = table(0), TABLE_HI = table(L);
    /** Lane i of a run takes the scale of the run's group i/4. */
    private static final VectorShuffle<Float> GROUP_OF_LANE = VectorShuffle.fromOp(F, i -> i / 4);
    private final MemorySegment q, scale;
    private final int rows, cols, scaleCols, runCols;

    public FP4Matrix(MemorySegment q, MemorySegment scale, int rows, int cols) {
        if ((cols & 1) != 0) throw new IllegalArgumentException("fp4 needs an even number of columns: " + cols);
        this.q = q;
        this.scale = scale;
        this.rows = rows;
        this.cols = cols;
        this.scaleCols = (cols + GROUP - 1) / GROUP;
        this.runCols = cols / RUN * RUN;
    }

    private static IntVector table(int from) {
        int[] bits = new int[L];
        for (int i = 0; i < L; i++) bits[i] = Float.floatToRawIntBits(Codecs.E2M1[(from + i) & 0xF]);
        return IntVector.fromArray(I, bits, 0);
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public String format() { return "FP4"; }
    @Override public long bytes() { return (long) rows * cols / 2 + scale.byteSize(); }

    float groupScale(int r, int g) {
        return Codecs.E8M0[scale.get(ValueLayout.JAVA_BYTE, (long) r * scaleCols + g) & 0xFF];
    }

    /** Scalar decoding by table: the oracle for the SIMD paths. */
    @Override
    public void row(int r, float[] out, int off) {
        long base = (long) r * (cols / 2);
        for (int c = 0; c < cols; c += 2) {
            int b = q.get(ValueLayout.JAVA_BYTE, base + c / 2) & 0xFF;
            float s = groupScale(r, c / GROUP);
            out[off + c] = Codecs.E2M1[b & 0xF] * s;
            out[off + c + 1] = Codecs.E2M1[b >>> 4] * s;
        }
    }

    /** Nibble j of every lane, decoded by a two-vector table lookup (indices wrap modulo 2L). */
    private static FloatVector nibble(IntVector v, int j) {
        IntVector idx = j == 0 ? v : v.lanewise(VectorOperators.LSHR, 4 * j);
        return idx.selectFrom(TABLE_LO, TABLE_HI).reinterpretAsFloats();
    }

    private IntVector run(long off) {
        return IntVector.fromMemorySegment(I, q, off, ByteOrder.LITTLE_ENDIAN);
    }

    /** A run's scale per lane: {@code s[g0 + lane/4]} ({@code s} has L floats of slack after the row's scales). */
    private static FloatVector runScales(float[] s, int g0) {
        return FloatVector.fromArray(F, s, g0).rearrange(GROUP_OF_LANE);
    }

    @Override
    public boolean permutes() {
        return true;
    }

    /** Within each full run, column 8i+j goes to position L·j+i; the rest is copied as is. */
    @Override
    public void pack(float[] x, int xo, int n, float[] dst, int off) {
        VectorMath.laneOrder(x, xo, n, 8, dst, off);
    }

    @Override
    public void matmul(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        if (T != 1) {
            Gemm.matmul(this, cols, x, xOff, xStride, y, yOff, yStride, T, r0, r1);
            return;
        }
        Scratch scratch = Scratch.get();
        float[] xp = scratch.xp(cols), sf = scratch.scaleFloats(scaleCols + L);
        pack(x, xOff, cols, xp, 0);
        for (int r = r0; r < r1; r++) {
            Codecs.e8m0(scale, (long) r * scaleCols, sf, 0, scaleCols);
            y[yOff + r] = dotRow(r, xp, sf);
        }
    }

    /** Decode: one pass over the row's bytes, each run's 8 nibble vectors summed in two chains and scaled once into the total. */
    private float dotRow(int r, float[] xp, float[] sf) {
        long base = (long) r * (cols / 2);
        FloatVector total = FloatVector.zero(F);
        for (int c = 0; c < runCols; c += RUN) {
            IntVector v = run(base + c / 2);
            FloatVector a = nibble(v, 0).mul(FloatVector.fromArray(F, xp, c));
            FloatVector b = nibble(v, 1).mul(FloatVector.fromArray(F, xp, c + L));
            for (int j = 2; j < 8; j += 2) {
                a = nibble(v, j).fma(FloatVector.fromArray(F, xp, c + j * L), a);
                b = nibble(v, j + 1).fma(FloatVector.fromArray(F, xp, c + (j + 1) * L), b);
            }
            total = a.add(b).fma(runScales(sf, c / GROUP), total);
        }
        float s = total.reduceLanes(VectorOperators.ADD);
        for (int c = runCols; c < cols; c += 2) {
            int b = q.get(ValueLayout.JAVA_BYTE, base + c / 2) & 0xFF;
            s += (Codecs.E2M1[b & 0xF] * xp[c] + Codecs.E2M1[b >>> 4] * xp[c + 1]) * sf[c / GROUP];
        }
        return s;
    }

    @Override
    public void decode(int r, int c0, int n, float[] dst, int off) {
        Scratch scratch = Scratch.get();
        float[] sf = scratch.scaleFloats(scaleCols + L);
        Codecs.e8m0(scale, (long) r * scaleCols, sf, 0, scaleCols);
        long base = (long) r * (cols / 2);
        int c = c0, end = c0 + n;
        for (; c + RUN <= Math.min(end, runCols); c += RUN) {
            IntVector v = run(base + c / 2);
            FloatVector s = runScales(sf, c / GROUP);
            for (int j = 0; j < 8; j++) nibble(v, j).mul(s).intoArray(dst, off + c - c0 + j * L);
        }
        for (; c < end; c += 2) {
            int b = q.get(ValueLayout.JAVA_BYTE, base + c / 2) & 0xFF;
            float s = sf[c / GROUP];
            dst[off + c - c0] = Codecs.E2M1[b & 0xF] * s;
            dst[off + c - c0 + 1] = Codecs.E2M1[b >>> 4] * s;
        }
    }
}
