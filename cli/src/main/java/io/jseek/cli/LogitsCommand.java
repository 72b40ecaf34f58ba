package io.jseek.cli;

import io.jseek.json.Json;
import io.jseek.model.Transformer;
import io.jseek.state.DecodeState;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Writes the logits of every position as JSON: full forward, token-by-token decode, or a prefill/decode split. */
@Command(name = "logits", description = "Compute the logits of a token sequence and write them as JSON.")
final class LogitsCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--tokens", required = true, paramLabel = "IDS", description = "Comma-separated token ids.")
    String tokens;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output JSON file.")
    Path out;

    static final class Mode {
        @Option(names = "--decode", description = "Process one token at a time (incremental decode).")
        boolean decode;

        @Option(names = "--prefill", paramLabel = "K", description = "Batched prefill of the first K tokens, then decode the rest.")
        Integer prefill;
    }

    @ArgGroup(exclusive = true)
    Mode mode = new Mode();

    @Option(names = "--mtp", description = "Also write the MTP block's logits (T-1 rows).")
    boolean mtp;

    @Override
    public Integer call() throws Exception {
        int[] ids = Tokens.parse(tokens);
        int T = ids.length;
        int k = mode.decode ? 1 : mode.prefill != null ? mode.prefill : T;
        if (k < 1 || k > T) throw new IllegalArgumentException("--prefill must be between 1 and the number of tokens (" + T + ")");
        try (Transformer m = model.load()) {
            int V = m.config().vocabSize(), n = m.config().hcMult() * m.config().dim();
            if (mtp && m.config().nMtp() == 0) throw new IllegalArgumentException("--mtp: this model has no MTP block");
            float[] logits = new float[T * V], hidden = new float[T * n], row = new float[k * V];
            DecodeState st = m.newState();
            m.forward(st, ids, 0, k, row, true, hidden);
            System.arraycopy(row, 0, logits, 0, k * V);
            float[] h = new float[n];
            for (int t = k; t < T; t++) {
                m.forward(st, ids, t, 1, row, true, h);
                System.arraycopy(row, 0, logits, t * V, V);
                System.arraycopy(h, 0, hidden, t * n, n);
            }
            float[] mtpLogits = null;
            if (mtp && T > 1) {
                // same split for the MTP block: rows 0..k-2 batched, then one row per decoded token
                mtpLogits = new float[(T - 1) * V];
                int batched = Math.max(k - 1, 0);
                if (batched > 0) m.forwardMtp(st, hidden, ids, 1, batched, mtpLogits);
                float[] one = new float[V], hs = new float[n];
                for (int i = batched; i < T - 1; i++) {
                    System.arraycopy(hidden, i * n, hs, 0, n);
                    m.forwardMtp(st, hs, ids, i + 1, 1, one);
                    System.arraycopy(one, 0, mtpLogits, i * V, V);
                }
            }
            write(out, logits, mtp ? (mtpLogits == null ? new float[0] : mtpLogits) : null, T, V);
        }
        return 0;
    }

    private static void write(Path out, float[] logits, float[] mtp, int T, int V) throws Exception {
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            w.write("{\"logits\":");
            rows(w, logits, T, V);
            if (mtp != null) {
                w.write(",\"mtp_logits\":");
                rows(w, mtp, mtp.length / V, V);
            }
            w.write("}\n");
        }
    }

    private static void rows(BufferedWriter w, float[] a, int T, int V) throws Exception {
        StringBuilder b = new StringBuilder();
        w.write('[');
        for (int t = 0; t < T; t++) {
            if (t > 0) w.write(',');
            b.setLength(0);
            float[] r = java.util.Arrays.copyOfRange(a, t * V, (t + 1) * V);
            Json.write(b, r);
            w.write(b.toString());
        }
        w.write(']');
    }
}
