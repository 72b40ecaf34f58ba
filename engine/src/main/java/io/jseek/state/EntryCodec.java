package io.jseek.state;

import io.jseek.kernels.Codecs;

/**
 * How one stored row of the decode state (a kv vector, a compressed entry or an indexer key) is laid
 * out in bytes (spec §11): the first {@code quant} channels as fp8 e4m3 or fp4 e2m1 codes with one
 * power-of-two scale per {@code block} channels, the remaining channels as bf16. A row is
 * {@code [scale exponents][codes][bf16 tail]}. Encoding rounds to nearest even; decoding is exact.
 */
public final class EntryCodec {
    private final int dim, quant, block, bits, nBlocks, codeBytes;

    private EntryCodec(int dim, int quant, int block, int bits) {
        if (bits == 4 && quant % 2 != 0) throw new IllegalArgumentException("fp4 rows need an even width, got " + quant);
        this.dim = dim;
        this.quant = quant;
        this.block = block;
        this.bits = bits;
        this.nBlocks = quant == 0 ? 0 : (quant + block - 1) / block;
        this.codeBytes = bits == 4 ? (quant + 1) / 2 : quant;
    }

    /** Every channel bf16. */
    public static EntryCodec bf16(int dim) {
        return new EntryCodec(dim, 0, 1, 16);
    }

    /** The production kv layout: non-rope channels fp8 with scales per 64, the rope channels bf16. */
    public static EntryCodec fp8Rope(int dim, int ropeDim) {
        return new EntryCodec(dim, dim - ropeDim, 64, 8);
    }

    /** Indexer keys: all channels fp8 (bits 8) or fp4 (bits 4) with scales per 32. */
    public static EntryCodec scaled(int dim, int bits) {
        if (bits != 8 && bits != 4) throw new IllegalArgumentException("bits must be 8 or 4");
        return new EntryCodec(dim, dim, 32, bits);
    }

    public int dim() {
        return dim;
    }

    /** Bytes of one encoded row. */
    public int rowBytes() {
        return nBlocks + codeBytes + 2 * (dim - quant);
    }

    public void encode(float[] src, int so, byte[] dst, int dOff) {
        int codes = dOff + nBlocks, tail = codes + codeBytes;
        for (int b = 0; b < nBlocks; b++) {
            int c0 = b * block, c1 = Math.min(quant, c0 + block);
            float amax = 0;
            for (int c = c0; c < c1; c++) amax = Math.max(amax, Math.abs(src[so + c]));
            int e = bits == 8 ? ceilLog2(Math.max(amax, 1e-4f) / 448f) : ceilLog2(Math.max(amax, 6 * 0x1p-126f) / 6f);
            dst[dOff + b] = (byte) (e + 127);
            float inv = Math.scalb(1f, -e);
            for (int c = c0; c < c1; c++) {
                float x = src[so + c] * inv;
                if (bits == 8) {
                    dst[codes + c] = e4m3(x);
                } else {
                    int q = Codecs.floatToE2m1(x);
                    int i = codes + c / 2;
                    dst[i] = (byte) ((c & 1) == 0 ? (dst[i] & 0xF0) | q : (dst[i] & 0x0F) | (q << 4));
                }
            }
        }
        for (int c = quant; c < dim; c++) {
            short h = Codecs.floatToBf16(src[so + c]);
            int i = tail + 2 * (c - quant);
            dst[i] = (byte) h;
            dst[i + 1] = (byte) (h >> 8);
        }
    }

    public void decode(byte[] src, int so, float[] dst, int dOff) {
        int codes = so + nBlocks, tail = codes + codeBytes;
        for (int b = 0; b < nBlocks; b++) {
            int c0 = b * block, c1 = Math.min(quant, c0 + block);
            float s = Math.scalb(1f, (src[so + b] & 0xFF) - 127);
            if (bits == 8) {
                for (int c = c0; c < c1; c++) dst[dOff + c] = Codecs.E4M3[src[codes + c] & 0xFF] * s;
            } else {
                for (int c = c0; c < c1; c++) dst[dOff + c] = Codecs.E2M1[(src[codes + c / 2] >> ((c & 1) * 4)) & 0xF] * s;
            }
        }
        for (int c = quant; c < dim; c++) {
            int i = tail + 2 * (c - quant);
            dst[dOff + c] = Codecs.bf16ToFloat((short) ((src[i] & 0xFF) | (src[i + 1] << 8)));
        }
    }

    /** Replaces v[off..off+dim) by what storing and reading it back gives; scratch holds one row. */
    public void roundTrip(float[] v, int off, byte[] scratch) {
        encode(v, off, scratch, 0);
        decode(scratch, 0, v, off);
    }

    private static int ceilLog2(float x) {
        int e = Math.getExponent(x);
        return x == Math.scalb(1f, e) ? e : e + 1;
    }

    /** e4m3fn code of x (|x| ≤ 448 by the scale choice; saturates otherwise), round to nearest even. */
    static byte e4m3(float x) {
        int sign = Float.floatToRawIntBits(x) < 0 ? 0x80 : 0;
        float a = Math.min(Math.abs(x), 448f);
        if (a < 0x1p-6f) return (byte) (sign | (int) Math.rint(a * 512)); // subnormals: steps of 2^-9 (8 -> 2^-6, code 8)
        int bits = Float.floatToRawIntBits(a);
        bits = (bits + 0x7FFFF + ((bits >> 20) & 1)) & ~0xFFFFF; // keep 3 mantissa bits
        float r = Math.min(Float.intBitsToFloat(bits), 448f);
        int rb = Float.floatToRawIntBits(r);
        int exp = ((rb >> 23) & 0xFF) - 127 + 7;
        return (byte) (sign | (exp << 3) | ((rb >> 20) & 7));
    }
}
