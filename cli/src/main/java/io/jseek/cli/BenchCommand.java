package io.jseek.cli;

import io.jseek.json.Json;
import io.jseek.kernels.Bandwidth;
import io.jseek.kernels.Parallel;
import io.jseek.model.ModelInfo;
import io.jseek.model.Transformer;
import io.jseek.state.DecodeState;
import io.jseek.state.StateSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Prefill and decode speed on a model, next to the machine's read bandwidth measured in the same run,
 * so decode can be stated as a fraction of its memory roofline.
 */
@Command(name = "bench", description = "Measure prefill and decode tokens/s against the machine's memory bandwidth.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--prompt", defaultValue = "512", paramLabel = "N", description = "Prompt tokens for the prefill test (default 512).")
    int prompt;

    @Option(names = "--gen", defaultValue = "32", paramLabel = "N", description = "Tokens decoded per run (default 32).")
    int gen;

    @Option(names = "--context", defaultValue = "0", paramLabel = "N", description = "Tokens already in context before decoding (default: the prompt).")
    int context;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N", description = "Repetitions; the median is reported (default 3).")
    int runs;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N", description = "Also decode N sequences together (continuous batching) and report the total tokens/s.")
    int batch;

    @Option(names = "--warmup", defaultValue = "true", negatable = true, description = "Run one untimed pass first (default; --no-warmup to time cold runs).")
    boolean warmup;

    @Option(names = "--decode-at", split = ",", paramLabel = "N", description = "While filling the context, also time decoding --gen tokens at these depths (on a copy of the state), e.g. 1024,32768,131072.")
    int[] decodeAt = new int[0];

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (prompt < 1 || gen < 1 || runs < 1 || context < 0) throw new IllegalArgumentException("--prompt, --gen and --runs must be >= 1, --context >= 0");
        try (Transformer m = model.load()) {
            int V = m.config().vocabSize();
            ModelInfo info = ModelInfo.of(m.config(), m.checkpoint());
            int[] ids = new int[Math.max(prompt, context) + gen];
            long x = 12345;
            for (int i = 0; i < ids.length; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                ids[i] = (int) Long.remainderUnsigned(x >>> 17, V);
            }
            float[] logits = new float[V];
            double[] prefill = new double[runs], decode = new double[runs];
            if (warmup) {
                // one untimed pass so the medians measure JIT-compiled kernels
                progress("warm-up: prefill " + prompt + " tokens, decode " + gen);
                DecodeState w = m.newState();
                m.forward(w, ids, 0, prompt, logits, false, null);
                decodeRate(m, w, ids, gen, logits);
            }
            double fillSeconds = 0;
            long stateBytes = 0;
            int[] probes = Arrays.stream(decodeAt).filter(d -> d >= prompt && d < context).sorted().distinct().toArray();
            double[][] probeMs = new double[probes.length][runs];
            for (int r = 0; r < runs; r++) {
                progress("run " + (r + 1) + "/" + runs + ": prefill " + prompt + " tokens");
                DecodeState st = m.newState();
                long t0 = System.nanoTime();
                m.forward(st, ids, 0, prompt, logits, false, null);
                prefill[r] = prompt / ((System.nanoTime() - t0) / 1e9);
                if (context > prompt) {
                    progress("run " + (r + 1) + "/" + runs + ": filling context to " + context + " tokens");
                    ProgressLine line = new ProgressLine("jseek bench: context");
                    fillSeconds = 0;
                    for (int i = 0; i <= probes.length; i++) {
                        int from = st.position(), to = i < probes.length ? probes[i] : context;
                        long f0 = System.nanoTime();
                        if (to > from) m.forward(st, ids, from, to - from, logits, false, null, (done, total) -> line.done(from - prompt + done, context - prompt));
                        fillSeconds += (System.nanoTime() - f0) / 1e9;
                        if (i < probes.length) probeMs[i][r] = 1000 / decodeRate(m, st.copy(), ids, gen, logits);
                    }
                }
                progress("run " + (r + 1) + "/" + runs + ": decode " + gen + " tokens at depth " + st.position());
                decode[r] = decodeRate(m, st, ids, gen, logits);
                stateBytes = st.bytes();
            }
            double batched = 0;
            if (batch > 1) {
                progress("decode " + gen + " steps of " + batch + " sequences together");
                DecodeState first = m.newState();
                m.forward(first, ids, 0, prompt, logits, false, null);
                DecodeState[] states = new DecodeState[batch];
                for (int i = 0; i < batch; i++) states[i] = first.copy();
                int[] tok = new int[batch];
                float[] out = new float[batch * V];
                long t0 = System.nanoTime();
                for (int g = 0; g < gen; g++) {
                    for (int i = 0; i < batch; i++) tok[i] = ids[(prompt + g + 31 * i) % ids.length];
                    m.decodeBatch(states, tok, batch, out);
                }
                batched = (double) gen * batch / ((System.nanoTime() - t0) / 1e9);
            }
            int depth = Math.max(prompt, context) + gen;
            StateSize size = StateSize.of(m.config(), m.kvLayout());
            long peakRss = peakRssBytes(); // before the bandwidth test's 1 GiB buffer
            progress("measuring memory read bandwidth");
            double bw;
            try (Parallel par = new Parallel(model.threads)) {
                bw = Bandwidth.measure(par, 1L << 30, 5);
            }
            double pf = median(prefill), dc = median(decode);
            double roof = bw / info.weightBytesPerToken();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", model.dir().toString());
            o.put("threads", model.threads);
            o.put("prompt_tokens", prompt);
            o.put("gen_tokens", gen);
            o.put("context_tokens", Math.max(prompt, context));
            o.put("runs", runs);
            o.put("prefill_tokens_per_s", round(pf));
            o.put("decode_tokens_per_s", round(dc));
            o.put("bytes_per_token", info.weightBytesPerToken());
            o.put("read_bandwidth_gb_s", round(bw / 1e9));
            o.put("roofline_tokens_per_s", round(roof));
            o.put("roofline_fraction", round(dc / roof));
            o.put("decode_read_gb_s", round(dc * info.weightBytesPerToken() / 1e9));
            if (batch > 1) {
                o.put("batch", batch);
                o.put("batch_decode_tokens_per_s", round(batched));
            }
            o.put("decode_ms_per_token", round(1000 / dc));
            if (probes.length > 0) {
                Map<String, Object> byDepth = new LinkedHashMap<>();
                for (int i = 0; i < probes.length; i++) byDepth.put(Integer.toString(probes[i]), round(median(probeMs[i])));
                byDepth.put(Integer.toString(Math.max(prompt, context)), round(1000 / dc));
                o.put("decode_ms_per_token_at_depth", byDepth);
            }
            o.put("context_fill_s", round(fillSeconds));
            o.put("kv_dtype", m.kvLayout().id);
            o.put("peak_rss_bytes_before_bandwidth", peakRss);
            o.put("state_bytes_measured", stateBytes);
            o.put("state_bytes_analytical", size.at(depth));
            o.put("dense_kv_bytes_f32", StateSize.denseBytesPerToken(m.config()) * depth);
            if (json) {
                System.out.println(Json.write(o));
            } else {
                System.out.printf("model            %s (%d threads)%n", model.dir(), model.threads);
                System.out.printf("prefill          %.2f tokens/s (%d-token prompt, median of %d: %s)%n", pf, prompt, runs, Arrays.toString(round(prefill)));
                System.out.printf("decode           %.2f tokens/s at depth %d (median of %d: %s)%n", dc, Math.max(prompt, context), runs, Arrays.toString(round(decode)));
                System.out.printf("weights/token    %s%n", InspectCommand.bytes(info.weightBytesPerToken()));
                System.out.printf("read bandwidth   %.2f GB/s (measured now) -> roofline %.2f tokens/s%n", bw / 1e9, roof);
                System.out.printf("decode/roofline  %.1f%% (%.2f GB/s of weights)%n", 100 * dc / roof, dc * info.weightBytesPerToken() / 1e9);
                if (batch > 1) System.out.printf("batched decode   %.2f tokens/s in total over %d sequences%n", batched, batch);
                if (context > prompt) System.out.printf("context fill     %d tokens in %.1f s (after the %d-token prompt)%n", context - prompt, fillSeconds, prompt);
                for (int i = 0; i < probes.length; i++) System.out.printf("decode at %-7d %.2f ms/token (median of %d)%n", probes[i], median(probeMs[i]), runs);
                System.out.printf("decode state     %s measured, %s analytical (kv %s) at %d tokens; dense f32 KV would be %s%n",
                        InspectCommand.bytes(stateBytes), InspectCommand.bytes(size.at(depth)), m.kvLayout().id, depth,
                        InspectCommand.bytes(StateSize.denseBytesPerToken(m.config()) * depth));
                System.out.printf("peak RSS         %s (before the bandwidth test)%n", peakRss < 0 ? "unknown" : InspectCommand.bytes(peakRss));
            }
        }
        return 0;
    }

    /** Decodes {@code gen} tokens after the state's position; tokens per second. */
    private static double decodeRate(Transformer m, DecodeState st, int[] ids, int gen, float[] logits) {
        int start = st.position();
        long t = System.nanoTime();
        for (int g = 0; g < gen; g++) m.forward(st, ids, start + g, 1, logits, false, null);
        return gen / ((System.nanoTime() - t) / 1e9);
    }

    /** The process's peak resident set (Linux VmHWM), or -1 where /proc is not available. */
    private static long peakRssBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private void progress(String msg) {
        System.err.println("jseek bench: " + msg);
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double[] round(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = round(a[i]);
        return r;
    }
}
