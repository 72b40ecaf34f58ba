package io.jseek.cli;

import io.jseek.model.Progress;

/** A one-line prefill progress display on stderr (tokens/s and ETA), redrawn at most 4 times a second. */
final class ProgressLine implements Progress {
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;

    ProgressLine(String label) {
        this.label = label;
    }

    @Override
    public void done(int tokens, int total) {
        long now = System.nanoTime();
        boolean last = tokens >= total;
        if (!last && now - lastDraw < 250_000_000L) return;
        lastDraw = now;
        double s = (now - start) / 1e9, rate = tokens / Math.max(s, 1e-9);
        System.err.printf("\r%s %,d/%,d tokens (%.1f%%), %.1f tokens/s, %s %s   ", label, tokens, total, 100.0 * tokens / total,
                rate, last ? "took" : "ETA", duration(last ? s : (total - tokens) / rate));
        if (last) System.err.println();
    }

    static String duration(double seconds) {
        long t = Math.round(seconds);
        if (t < 60) return String.format("%.1fs", seconds);
        if (t < 3600) return String.format("%dm%02ds", t / 60, t % 60);
        return String.format("%dh%02dm", t / 3600, t % 3600 / 60);
    }
}
