package io.jseek.kernels;

/**
 * Per-thread work buffers of the matmul kernels (packed activations, a dequantised weight tile and
 * partial sums), grown on demand so that steady-state matmuls allocate nothing.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
    private float[] xp = new float[0], tile = new float[0], acc = new float[0];

    private Scratch() {
    }

    static Scratch get() {
        return LOCAL.get();
    }

    float[] xp(int n) {
        if (xp.length < n) xp = new float[n];
        return xp;
    }

    float[] tile(int n) {
        if (tile.length < n) tile = new float[n];
        return tile;
    }

    float[] acc(int n) {
        if (acc.length < n) acc = new float[n];
        return acc;
    }
}
