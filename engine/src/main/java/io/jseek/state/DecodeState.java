package io.jseek.state;

import io.jseek.config.ModelConfig;

import java.io.IOException;

/**
 * The complete per-sequence state: one {@link LayerState} per main layer and MTP block, and the
 * number of positions each stack has consumed. A fresh state starts at position 0.
 */
public final class DecodeState {
    private final LayerState[] layers;   // [L + nMtp]
    private final int nLayers;
    private final KvLayout layout;
    private int position;                // next main-model position
    private int mtpPosition;             // next MTP-block position

    public DecodeState(ModelConfig c) {
        this(c, KvLayout.F32);
    }

    public DecodeState(ModelConfig c, KvLayout layout) {
        this.nLayers = c.nLayers();
        this.layout = layout;
        this.layers = new LayerState[c.nLayers() + c.nMtp()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new LayerState(c.ratio(l), c.window(), c.headDim(), c.ropeDim(), c.indexHeadDim(), layout);
        }
    }

    private DecodeState(DecodeState o) {
        this.nLayers = o.nLayers;
        this.layout = o.layout;
        this.layers = new LayerState[o.layers.length];
        for (int l = 0; l < layers.length; l++) layers[l] = o.layers[l].copy();
        this.position = o.position;
        this.mtpPosition = o.mtpPosition;
    }

    /** A deep copy: continuing either one leaves the other untouched (prefix reuse across requests). */
    public DecodeState copy() {
        return new DecodeState(this);
    }

    public LayerState layer(int layerId) {
        return layers[layerId];
    }

    public KvLayout layout() {
        return layout;
    }

    public int position() {
        return position;
    }

    public void advance(int n) {
        position += n;
    }

    public int mtpPosition() {
        return mtpPosition;
    }

    public void advanceMtp(int n) {
        mtpPosition += n;
    }

    public int nLayers() {
        return nLayers;
    }

    /** Forget everything: back to position 0. */
    public void reset() {
        for (LayerState l : layers) l.clear();
        position = 0;
        mtpPosition = 0;
    }

    /** Bytes of every array the state allocated (what {@code ModelInfo.stateBytesAt} predicts). */
    public long bytes() {
        long n = 0;
        for (LayerState l : layers) n += l.bytes();
        return n;
    }

    /** Writes positions and every layer (exact bits; see {@code PromptCacheFile} for the framing). */
    public void write(StateIO.Out out) throws IOException {
        out.writeInt(layers.length);
        out.writeInt(position);
        out.writeInt(mtpPosition);
        for (LayerState l : layers) l.write(out);
    }

    /** Replaces this state's contents with what {@link #write} wrote for the same model and layout. */
    public void read(StateIO.In in) throws IOException {
        if (in.readInt() != layers.length) throw new IOException("layer count mismatch");
        int p = in.readInt(), mp = in.readInt();
        if (p < 0 || mp < 0) throw new IOException("negative position");
        for (LayerState l : layers) l.read(in);
        position = p;
        mtpPosition = mp;
    }
}
