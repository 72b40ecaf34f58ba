package io.jseek.weights;

/** Safetensors element types that DeepSeek-V4 checkpoints use (spec §10). */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), F8_E4M3(1), F8_E8M0(1), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    public final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Returns null for a name safetensors does not define (or jseek cannot read). */
    public static DType parse(String name) {
        for (DType d : values()) if (d.name().equals(name)) return d;
        return null;
    }
}
