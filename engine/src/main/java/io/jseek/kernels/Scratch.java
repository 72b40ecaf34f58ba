package io.jseek.kernels;

/** Per-thread row buffers for dequantising one weight row; allocated once per thread and size. */
final class Scratch {
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private Scratch() {
    }

    static float[] row(int n) {
        float[] a = ROW.get();
        if (a.length < n) {
            a = new float[n];
            ROW.set(a);
        }
        return a;
    }
}
