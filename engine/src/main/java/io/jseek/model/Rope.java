package io.jseek.model;

import io.jseek.config.ModelConfig;

/**
 * Partial, interleaved rotary embedding (spec §3): only the last {@code rd} channels of a head are
 * rotated, in pairs (2i, 2i+1) by angle pos·ω_i. Sliding-window layers use θ = rope_theta; compressed
 * layers use θ = compress_rope_theta with YaRN-scaled frequencies (no attention-temperature factor).
 */
public final class Rope {
    private final int rd;
    private final double[] omega; // [rd/2]

    private Rope(int rd, double[] omega) {
        this.rd = rd;
        this.omega = omega;
    }

    public int dim() {
        return rd;
    }

    /** The frequency table of a layer with the given compress ratio. */
    public static Rope forLayer(ModelConfig c, int ratio) {
        int rd = c.ropeDim();
        double theta = ratio == 0 ? c.ropeTheta() : c.compressRopeTheta();
        double[] w = new double[rd / 2];
        for (int i = 0; i < rd / 2; i++) w[i] = Math.pow(theta, -2.0 * i / rd);
        if (ratio != 0 && c.originalSeqLen() > 0) yarn(w, rd, theta, c.ropeFactor(), c.originalSeqLen(), c.betaFast(), c.betaSlow());
        return new Rope(rd, w);
    }

    private static void yarn(double[] w, int dim, double base, double factor, int lOrig, double betaFast, double betaSlow) {
        double low = Math.max(Math.floor(corr(betaFast, dim, base, lOrig)), 0);
        double high = Math.min(Math.ceil(corr(betaSlow, dim, base, lOrig)), dim - 1);
        if (low == high) high += 0.001;
        for (int i = 0; i < w.length; i++) {
            double ramp = Math.min(Math.max((i - low) / (high - low), 0), 1);
            double smooth = 1 - ramp;
            w[i] = w[i] / factor * (1 - smooth) + w[i] * smooth;
        }
    }

    private static double corr(double n, int dim, double base, int lOrig) {
        return dim * Math.log(lOrig / (n * 2 * Math.PI)) / (2 * Math.log(base));
    }

    /** cos/sin of pos·ω_i into {@code cs[0..rd/2)} (cos) and {@code cs[rd/2..rd)} (sin). */
    public void angles(long pos, float[] cs) {
        int h = rd / 2;
        for (int i = 0; i < h; i++) {
            double a = pos * omega[i];
            cs[i] = (float) Math.cos(a);
            cs[h + i] = (float) Math.sin(a);
        }
    }

    /**
     * Rotates the last rd channels of {@code x[off .. off+headDim)} by the angles in {@code cs};
     * {@code inverse} uses the conjugate (angle −pos·ω), as on the attention output.
     */
    public void rotate(float[] x, int off, int headDim, float[] cs, boolean inverse) {
        int h = rd / 2;
        int base = off + headDim - rd;
        for (int i = 0; i < h; i++) {
            float cos = cs[i], sin = inverse ? -cs[h + i] : cs[h + i];
            float a = x[base + 2 * i], b = x[base + 2 * i + 1];
            x[base + 2 * i] = a * cos - b * sin;
            x[base + 2 * i + 1] = a * sin + b * cos;
        }
    }
}
