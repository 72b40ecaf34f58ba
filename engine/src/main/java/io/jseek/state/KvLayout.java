package io.jseek.state;

/**
 * How the decode state stores its kv entries (spec §9, §11). f32 is exact (the golden tests' 1e-4);
 * bf16 is what the official code keeps; fp8 is the production layout (non-rope channels fp8 with
 * power-of-two scales per 64, rope channels bf16, indexer keys fp8 per 32); fp4 is the same with fp4
 * indexer keys. Compressor windows stay f32 (the official code keeps them in f32 as well).
 */
public enum KvLayout {
    F32("f32"), BF16("bf16"), FP8("fp8"), FP4("fp4");

    public final String id;

    KvLayout(String id) {
        this.id = id;
    }

    public static KvLayout parse(String s) {
        for (KvLayout l : values()) if (l.id.equalsIgnoreCase(s)) return l;
        throw new IllegalArgumentException("unknown kv dtype '" + s + "' (known: f32, bf16, fp8, fp4)");
    }

    /** The codec of window kv vectors and compressed entries, null for f32. */
    public EntryCodec entries(int headDim, int ropeDim) {
        return switch (this) {
            case F32 -> null;
            case BF16 -> EntryCodec.bf16(headDim);
            case FP8, FP4 -> EntryCodec.fp8Rope(headDim, ropeDim);
        };
    }

    /** The codec of indexer keys, null for f32. */
    public EntryCodec indexKeys(int indexHeadDim) {
        return switch (this) {
            case F32 -> null;
            case BF16 -> EntryCodec.bf16(indexHeadDim);
            case FP8 -> EntryCodec.scaled(indexHeadDim, 8);
            case FP4 -> EntryCodec.scaled(indexHeadDim, 4);
        };
    }

    /** Bytes of one stored row of {@code dim} values under {@code codec} (null: f32). */
    public static int rowBytes(EntryCodec codec, int dim) {
        return codec == null ? 4 * dim : codec.rowBytes();
    }
}
