package io.jseek.state;

/**
 * The compressed KV entries of one layer (or the indexer keys), appended as windows complete.
 * Stored in fixed-size blocks so growth never copies old entries and happens once per block,
 * not per token.
 */
public final class EntryStore {
    private static final int BLOCK_ENTRIES = 256;
    private final int dim;
    private float[][] blocks = new float[4][];
    private int size;

    public EntryStore(int dim) {
        this.dim = dim;
    }

    public int size() {
        return size;
    }

    public int dim() {
        return dim;
    }

    /** Appends {@code v[off .. off+dim)}. */
    public void add(float[] v, int off) {
        int b = size / BLOCK_ENTRIES;
        if (b == blocks.length) blocks = java.util.Arrays.copyOf(blocks, b * 2);
        if (blocks[b] == null) blocks[b] = new float[BLOCK_ENTRIES * dim];
        System.arraycopy(v, off, blocks[b], (size % BLOCK_ENTRIES) * dim, dim);
        size++;
    }

    /** The block array holding entry i; its offset is {@link #offset(int)}. */
    public float[] block(int i) {
        return blocks[i / BLOCK_ENTRIES];
    }

    public int offset(int i) {
        return (i % BLOCK_ENTRIES) * dim;
    }

    /** Bytes held (allocated blocks). */
    public long bytes() {
        long n = 0;
        for (float[] b : blocks) if (b != null) n += 4L * b.length;
        return n;
    }

    public void clear() {
        size = 0;
    }

    /** A deep copy holding only the used blocks (for prefix reuse). */
    public EntryStore copy() {
        EntryStore c = new EntryStore(dim);
        c.blocks = new float[blocks.length][];
        int used = (size + BLOCK_ENTRIES - 1) / BLOCK_ENTRIES;
        for (int b = 0; b < used; b++) c.blocks[b] = blocks[b].clone();
        c.size = size;
        return c;
    }
}
