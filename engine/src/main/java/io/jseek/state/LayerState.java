package io.jseek.state;

import java.io.IOException;
import java.util.Arrays;

/**
 * What one attention layer keeps between calls for one sequence (spec §9): the sliding-window ring
 * of kv vectors (slot = position mod window), and for compressed layers the compressor state and the
 * compressed entries; ratio-4 layers also the indexer's compressor state and keys.
 */
public final class LayerState {
    public final int ratio;
    /** ring of the last {@code window} kv vectors: [window, D], f32 (values already rounded by {@link #kvCodec}). */
    public final float[] window;
    /** the storage codec of kv vectors and entries; null = f32. */
    public final EntryCodec kvCodec;
    public final CompressorState compressor;       // null for ratio 0
    public final EntryStore entries;               // [n, D], null for ratio 0
    public final CompressorState indexCompressor;  // ratio 4 only
    public final EntryStore indexKeys;             // [n, ID], ratio 4 only

    private LayerState(LayerState o) {
        this.ratio = o.ratio;
        this.window = o.window.clone();
        this.kvCodec = o.kvCodec;
        this.compressor = o.compressor == null ? null : o.compressor.copy();
        this.entries = o.entries == null ? null : o.entries.copy();
        this.indexCompressor = o.indexCompressor == null ? null : o.indexCompressor.copy();
        this.indexKeys = o.indexKeys == null ? null : o.indexKeys.copy();
    }

    /** A deep copy (for prefix reuse): the copy and the original evolve independently. */
    public LayerState copy() {
        return new LayerState(this);
    }

    public LayerState(int ratio, int windowSize, int headDim, int ropeDim, int indexHeadDim, KvLayout layout) {
        this.ratio = ratio;
        this.window = new float[windowSize * headDim];
        this.kvCodec = layout.entries(headDim, ropeDim);
        boolean overlap = ratio == 4;
        int c = overlap ? 2 : 1;
        this.compressor = ratio == 0 ? null : new CompressorState(ratio, c * headDim, overlap);
        this.entries = ratio == 0 ? null : new EntryStore(headDim, kvCodec);
        this.indexCompressor = overlap ? new CompressorState(ratio, 2 * indexHeadDim, true) : null;
        this.indexKeys = overlap ? new EntryStore(indexHeadDim, layout.indexKeys(indexHeadDim)) : null;
        clear();
    }

    public void clear() {
        Arrays.fill(window, 0);
        if (compressor != null) {
            compressor.clear();
            entries.clear();
        }
        if (indexCompressor != null) {
            indexCompressor.clear();
            indexKeys.clear();
        }
    }

    /** Bytes of the arrays this layer allocated. */
    public long bytes() {
        long n = 4L * window.length;
        if (compressor != null) n += compressor.bytes() + entries.bytes();
        if (indexCompressor != null) n += indexCompressor.bytes() + indexKeys.bytes();
        return n;
    }

    void write(StateIO.Out out) throws IOException {
        out.writeFloats(window, 0, window.length);
        if (compressor != null) {
            compressor.write(out);
            entries.write(out);
        }
        if (indexCompressor != null) {
            indexCompressor.write(out);
            indexKeys.write(out);
        }
    }

    void read(StateIO.In in) throws IOException {
        in.readFloats(window, 0, window.length);
        if (compressor != null) {
            compressor.read(in);
            entries.read(in);
        }
        if (indexCompressor != null) {
            indexCompressor.read(in);
            indexKeys.read(in);
        }
    }
}
