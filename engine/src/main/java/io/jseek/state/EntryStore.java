package io.jseek.state;

import java.io.IOException;
import java.util.Arrays;

/**
 * The compressed KV entries of one layer (or the indexer keys), appended as windows complete.
 * Stored in fixed blocks of 8 entries allocated as they fill, so growth never copies anything and
 * what is allocated stays within 7 entries of what is used (the byte accounting of {@link StateSize}
 * relies on it). Rows are f32 (read in place through
 * {@link #block}/{@link #offset}) or encoded by an {@link EntryCodec} (read through {@link #decode}).
 */
public final class EntryStore {
    private static final int BLOCK_ENTRIES = 8;
    private final int dim;
    private final EntryCodec codec; // null: f32 rows
    private final int rowBytes;
    private float[][] floats;
    private byte[][] bytes;
    private int size;

    public EntryStore(int dim, EntryCodec codec) {
        this.dim = dim;
        this.codec = codec;
        this.rowBytes = KvLayout.rowBytes(codec, dim);
        if (codec == null) floats = new float[4][];
        else bytes = new byte[4][];
    }

    public int size() {
        return size;
    }

    public int dim() {
        return dim;
    }

    /** True if rows are f32 and can be read in place. */
    public boolean direct() {
        return codec == null;
    }

    /** Appends {@code v[off .. off+dim)}. */
    public void add(float[] v, int off) {
        int b = size / BLOCK_ENTRIES, r = size % BLOCK_ENTRIES;
        ensure(b);
        if (codec == null) System.arraycopy(v, off, floats[b], r * dim, dim);
        else codec.encode(v, off, bytes[b], r * rowBytes);
        size++;
    }

    /** Allocates block b when its first row arrives. */
    private void ensure(int b) {
        if (codec == null) {
            if (b >= floats.length) floats = Arrays.copyOf(floats, Math.max(b + 1, floats.length * 2));
            if (floats[b] == null) floats[b] = new float[BLOCK_ENTRIES * dim];
        } else {
            if (b >= bytes.length) bytes = Arrays.copyOf(bytes, Math.max(b + 1, bytes.length * 2));
            if (bytes[b] == null) bytes[b] = new byte[BLOCK_ENTRIES * rowBytes];
        }
    }


    /** The f32 block array holding entry i ({@link #direct()} stores only); its offset is {@link #offset(int)}. */
    public float[] block(int i) {
        return floats[i / BLOCK_ENTRIES];
    }

    public int offset(int i) {
        return (i % BLOCK_ENTRIES) * dim;
    }

    /** How many entries from i on lie contiguously in {@link #block}(i) (to the end of its block). */
    public int contiguous(int i) {
        return BLOCK_ENTRIES - i % BLOCK_ENTRIES;
    }

    /** Entry i as f32 into dst[dOff .. dOff+dim). */
    public void decode(int i, float[] dst, int dOff) {
        int b = i / BLOCK_ENTRIES, r = i % BLOCK_ENTRIES;
        if (codec == null) System.arraycopy(floats[b], r * dim, dst, dOff, dim);
        else codec.decode(bytes[b], r * rowBytes, dst, dOff);
    }

    /** Bytes held (allocated rows). */
    public long bytes() {
        long n = 0;
        if (codec == null) for (float[] b : floats) n += b == null ? 0 : 4L * b.length;
        else for (byte[] b : bytes) n += b == null ? 0 : b.length;
        return n;
    }

    /** Drops the entries and their memory. */
    public void clear() {
        size = 0;
        if (codec == null) floats = new float[4][];
        else bytes = new byte[4][];
    }

    /** A deep copy (for prefix reuse). */
    public EntryStore copy() {
        EntryStore c = new EntryStore(dim, codec);
        if (codec == null) {
            c.floats = new float[floats.length][];
            for (int b = 0; b < floats.length; b++) if (floats[b] != null) c.floats[b] = floats[b].clone();
        } else {
            c.bytes = new byte[bytes.length][];
            for (int b = 0; b < bytes.length; b++) if (bytes[b] != null) c.bytes[b] = bytes[b].clone();
        }
        c.size = size;
        return c;
    }

    void write(StateIO.Out out) throws IOException {
        out.writeInt(size);
        out.writeInt(rowBytes);
        for (int b = 0; b * BLOCK_ENTRIES < size; b++) {
            int rows = Math.min(BLOCK_ENTRIES, size - b * BLOCK_ENTRIES);
            if (codec == null) out.writeFloats(floats[b], 0, rows * dim);
            else out.write(bytes[b], 0, rows * rowBytes);
        }
    }

    void read(StateIO.In in) throws IOException {
        int n = in.readInt();
        if (n < 0 || in.readInt() != rowBytes) throw new IOException("entry layout mismatch");
        clear();
        for (int b = 0; b * BLOCK_ENTRIES < n; b++) {
            int rows = Math.min(BLOCK_ENTRIES, n - b * BLOCK_ENTRIES);
            ensure(b);
            if (codec == null) in.readFloats(floats[b], 0, rows * dim);
            else in.readFully(bytes[b], 0, rows * rowBytes);
        }
        size = n;
    }
}
