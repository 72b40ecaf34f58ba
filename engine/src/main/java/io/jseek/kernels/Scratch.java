package io.jseek.kernels;

/**
 * Per-thread work buffers of the matmul kernels (packed activations, dequantised weight tiles and
 * row scales), grown on demand so that steady-state matmuls allocate nothing.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
    private float[] xp = new float[0], xs = new float[0], tile = new float[0], scaleFloats = new float[0];
    private byte[] scales = new byte[0];
    private int[] ints = new int[0];

    private Scratch() {
    }

    static Scratch get() {
        return LOCAL.get();
    }

    float[] xp(int n) {
        if (xp.length < n) xp = new float[n];
        return xp;
    }

    /** A scaled copy of the packed activations (FP8 decode). */
    float[] xs(int n) {
        if (xs.length < n) xs = new float[n];
        return xs;
    }

    float[] tile(int n) {
        if (tile.length < n) tile = new float[n];
        return tile;
    }

    /** One row's scale bytes, copied from the mapped file in one bounds-checked bulk read. */
    byte[] scales(int n) {
        if (scales.length < n) scales = new byte[n];
        return scales;
    }

    /** Per-block exponents of the inputs. */
    int[] ints(int n) {
        if (ints.length < n) ints = new int[n];
        return ints;
    }

    /** One row's decoded scales. */
    float[] scaleFloats(int n) {
        if (scaleFloats.length < n) scaleFloats = new float[n];
        return scaleFloats;
    }
}
