package io.jseek.state;

import java.io.IOException;
import java.util.Arrays;

/**
 * The tokens of a compressor's incomplete window (spec §5, §9): per slot the projected kv and the
 * score with its ape bias. With overlap (ratio 4) the previous complete window is kept as well,
 * because its first channel half belongs to the next entry.
 */
public final class CompressorState {
    public final int ratio, width; // width = c·Dc
    public final boolean overlap;
    /** current window: kv[slot][width], score[slot][width]. */
    public final float[] kv, score;
    /** previous complete window (overlap only). */
    public final float[] prevKv, prevScore;
    public boolean hasPrev;

    public CompressorState(int ratio, int width, boolean overlap) {
        this.ratio = ratio;
        this.width = width;
        this.overlap = overlap;
        this.kv = new float[ratio * width];
        this.score = new float[ratio * width];
        this.prevKv = overlap ? new float[ratio * width] : null;
        this.prevScore = overlap ? new float[ratio * width] : null;
    }

    /** After an entry is emitted with overlap, the current window becomes the previous one. */
    public void rotate() {
        System.arraycopy(kv, 0, prevKv, 0, kv.length);
        System.arraycopy(score, 0, prevScore, 0, score.length);
        hasPrev = true;
    }

    public long bytes() {
        return 4L * (kv.length + score.length + (overlap ? prevKv.length + prevScore.length : 0));
    }

    /** A deep copy (for prefix reuse). */
    public CompressorState copy() {
        CompressorState c = new CompressorState(ratio, width, overlap);
        System.arraycopy(kv, 0, c.kv, 0, kv.length);
        System.arraycopy(score, 0, c.score, 0, score.length);
        if (overlap) {
            System.arraycopy(prevKv, 0, c.prevKv, 0, prevKv.length);
            System.arraycopy(prevScore, 0, c.prevScore, 0, prevScore.length);
        }
        c.hasPrev = hasPrev;
        return c;
    }

    void write(StateIO.Out out) throws IOException {
        out.writeFloats(kv, 0, kv.length);
        out.writeFloats(score, 0, score.length);
        if (overlap) {
            out.writeFloats(prevKv, 0, prevKv.length);
            out.writeFloats(prevScore, 0, prevScore.length);
        }
        out.writeBoolean(hasPrev);
    }

    void read(StateIO.In in) throws IOException {
        in.readFloats(kv, 0, kv.length);
        in.readFloats(score, 0, score.length);
        if (overlap) {
            in.readFloats(prevKv, 0, prevKv.length);
            in.readFloats(prevScore, 0, prevScore.length);
        }
        hasPrev = in.readBoolean();
    }

    public void clear() {
        Arrays.fill(kv, 0);
        Arrays.fill(score, Float.NEGATIVE_INFINITY);
        hasPrev = false;
    }
}
