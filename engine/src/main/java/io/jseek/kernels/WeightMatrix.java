package io.jseek.kernels;

import io.jseek.weights.CheckpointException;
import io.jseek.weights.DType;
import io.jseek.weights.Tensor;

/**
 * A weight matrix {@code W [rows, cols]} used as {@code y = x @ W^T} (PyTorch [out, in] convention),
 * whatever its storage format. This is the single dispatch point for weight formats (spec §10): the
 * model never sees how a weight is stored. Each format class has a fast {@link #matmul} and inherits
 * the plain {@link #matmulReference}, which the tests use as the oracle.
 */
public interface WeightMatrix {
    int rows();

    int cols();

    /** Short format name for reports: F32, BF16, FP8, FP4. */
    String format();

    /** Bytes the weight occupies in the checkpoint (values plus scales). */
    long bytes();

    /** Dequantised row {@code r} into {@code out[off .. off+cols)}. */
    void row(int r, float[] out, int off);

    /**
     * {@code y[yOff + t·yStride + r] = Σ_c W[r][c] · x[xOff + t·xStride + c]} for {@code t < T},
     * {@code r0 <= r < r1}. Rows are independent, so callers may split [r0, r1) across threads.
     */
    void matmul(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1);

    default void matmul(float[] x, float[] y, int T) {
        matmul(x, 0, cols(), y, 0, rows(), T, 0, rows());
    }

    /** The oracle: dequantise each row exactly, then a plain sequential dot product. */
    default void matmulReference(float[] x, int xOff, int xStride, float[] y, int yOff, int yStride, int T, int r0, int r1) {
        float[] w = new float[cols()];
        for (int r = r0; r < r1; r++) {
            row(r, w, 0);
            for (int t = 0; t < T; t++) {
                double s = 0;
                int xo = xOff + t * xStride;
                for (int c = 0; c < w.length; c++) s += (double) w[c] * x[xo + c];
                y[yOff + t * yStride + r] = (float) s;
            }
        }
    }

    /**
     * Wraps a checkpoint weight: BF16/F32 plain, F8_E4M3 with a [ceil(rows/128), ceil(cols/128)]
     * E8M0 scale, or I8-packed FP4 e2m1 {@code [rows, cols/2]} with an E8M0 {@code [rows, ceil(cols/32)]}
     * scale. {@code cols} is the logical input dimension (needed for FP4, whose tensor is half as wide).
     */
    static WeightMatrix of(Tensor w, Tensor scale, int rows, int cols) {
        return switch (w.dtype()) {
            case F32 -> new F32Matrix(w.data(), rows, cols);
            case BF16 -> new BF16Matrix(w.data(), rows, cols);
            case F8_E4M3 -> new FP8Matrix(w.data(), requireScale(w, scale).data(), rows, cols);
            case I8 -> new FP4Matrix(w.data(), requireScale(w, scale).data(), rows, cols);
            default -> throw new CheckpointException(w.name() + ": unsupported weight dtype " + w.dtype() + " in " + w.file());
        };
    }

    private static Tensor requireScale(Tensor w, Tensor scale) {
        if (scale == null) throw new CheckpointException(w.name() + ": " + w.dtype() + " weight without a .scale tensor in " + w.file());
        if (scale.dtype() != DType.F8_E8M0) throw new CheckpointException(scale.name() + ": expected F8_E8M0 scales, found " + scale.dtype() + " in " + scale.file());
        return scale;
    }
}
