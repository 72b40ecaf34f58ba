package io.jseek.weights;

import io.jseek.kernels.Codecs;
import io.jseek.kernels.WeightMatrix;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hands out the checkpoint's tensors to the model, checking each name, dtype and shape against what
 * the config implies, and afterwards that nothing was left over. Errors read like
 * {@code layers.3.attn.wkv.weight: expected [512, 4096] F8_E4M3/BF16/F32, found [512, 4095] BF16 in model-00003-of-00046.safetensors}.
 */
public final class WeightLoader {
    private final Checkpoint ckpt;
    private final Set<String> used = new HashSet<>();

    public WeightLoader(Checkpoint ckpt) {
        this.ckpt = ckpt;
    }

    private Tensor take(String name, String expected) {
        Tensor t = ckpt.find(name);
        if (t == null) throw new CheckpointException(name + ": missing from the checkpoint (expected " + expected + ")");
        used.add(name);
        return t;
    }

    private static CheckpointException mismatch(Tensor t, String expected) {
        return new CheckpointException(t.name() + ": expected " + expected + ", found " + t.describe() + " in " + t.file());
    }

    private static boolean shapeIs(Tensor t, long... dims) {
        return java.util.Arrays.equals(t.shape(), dims);
    }

    /**
     * A linear layer {@code <prefix>.weight [out, in]}: plain BF16/F32, F8_E4M3 with a 128×128-block
     * {@code .scale}, or I8-packed FP4 {@code [out, in/2]} with a per-32 {@code .scale}.
     */
    public WeightMatrix linear(String prefix, int out, int in) {
        String name = prefix + ".weight";
        String expected = "[" + out + ", " + in + "] F8_E4M3/BF16/F32 (or [" + out + ", " + in / 2 + "] I8 packed FP4)";
        Tensor w = take(name, expected);
        Tensor scale = null;
        switch (w.dtype()) {
            case BF16, F32 -> {
                if (!shapeIs(w, out, in)) throw mismatch(w, "[" + out + ", " + in + "] " + w.dtype());
            }
            case F8_E4M3 -> {
                if (!shapeIs(w, out, in)) throw mismatch(w, "[" + out + ", " + in + "] F8_E4M3");
                scale = take(prefix + ".scale", "F8_E8M0 block scales");
                long so = (out + 127) / 128, si = (in + 127) / 128;
                if (scale.dtype() != DType.F8_E8M0 || !shapeIs(scale, so, si)) throw mismatch(scale, "[" + so + ", " + si + "] F8_E8M0");
            }
            case I8 -> {
                if (in % 2 != 0 || !shapeIs(w, out, in / 2)) throw mismatch(w, "[" + out + ", " + in / 2 + "] I8 (packed FP4 of [" + out + ", " + in + "])");
                scale = take(prefix + ".scale", "F8_E8M0 per-32 scales");
                long si = (in + 31) / 32;
                if (scale.dtype() != DType.F8_E8M0 || !shapeIs(scale, out, si)) throw mismatch(scale, "[" + out + ", " + si + "] F8_E8M0");
            }
            default -> throw mismatch(w, expected);
        }
        return WeightMatrix.of(w, scale, out, in);
    }

    /** A plain F32/BF16 matrix stored under its own name (the hc_*_fn mixing weights). */
    public WeightMatrix matrix(String name, int rows, int cols) {
        String expected = "[" + rows + ", " + cols + "] F32/BF16";
        Tensor t = take(name, expected);
        if ((t.dtype() != DType.F32 && t.dtype() != DType.BF16) || !shapeIs(t, rows, cols)) throw mismatch(t, expected);
        return WeightMatrix.of(t, null, rows, cols);
    }

    /** A small F32 or BF16 tensor of exactly {@code dims}, copied to the heap as float32. */
    public float[] vector(String name, long... dims) {
        String expected = java.util.Arrays.toString(dims) + " F32/BF16";
        Tensor t = take(name, expected);
        if ((t.dtype() != DType.F32 && t.dtype() != DType.BF16) || !shapeIs(t, dims)) throw mismatch(t, expected);
        int n = (int) t.numel();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = t.dtype() == DType.F32
                    ? t.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i)
                    : Codecs.bf16ToFloat(t.data().get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2L * i));
        }
        return v;
    }

    /** The hash-routing table {@code tid2eid [V, K]} (I64 or I32), with every id checked to be < nExperts. */
    public int[] tid2eid(String name, int vocab, int k, int nExperts) {
        String expected = "[" + vocab + ", " + k + "] I64/I32";
        Tensor t = take(name, expected);
        if ((t.dtype() != DType.I64 && t.dtype() != DType.I32) || !shapeIs(t, vocab, k)) throw mismatch(t, expected);
        int[] ids = new int[vocab * k];
        for (int i = 0; i < ids.length; i++) {
            long v = t.dtype() == DType.I64
                    ? t.data().get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8L * i)
                    : t.data().get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i);
            if (v < 0 || v >= nExperts)
                throw new CheckpointException(name + ": entry [" + i / k + ", " + i % k + "] = " + v + " is not an expert id (0.." + (nExperts - 1) + ") in " + t.file());
            ids[i] = (int) v;
        }
        return ids;
    }

    /** Fails on any checkpoint tensor the model did not ask for (a sign of a config/checkpoint mismatch). */
    public void checkAllUsed() {
        Set<String> extra = new TreeSet<>(ckpt.tensors().keySet());
        extra.removeAll(used);
        if (!extra.isEmpty()) {
            String first = extra.iterator().next();
            throw new CheckpointException(first + ": unexpected tensor in " + ckpt.get(first).file()
                    + " (not part of a DeepSeek-V4 model with this config.json" + (extra.size() > 1 ? "; " + (extra.size() - 1) + " more" : "") + ")");
        }
    }
}
