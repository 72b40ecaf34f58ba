package io.jseek.cli;

import io.jseek.generate.PromptCache;
import io.jseek.model.Transformer;
import io.jseek.state.DecodeState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;

/** Token-level generation: prefill the prompt ids, then sample new ids one at a time. */
@Command(name = "generate", description = "Generate token ids after a prompt of token ids.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--tokens", required = true, paramLabel = "IDS", description = "Prompt token ids, comma-separated.")
    String tokens;

    @Option(names = "--max-tokens", defaultValue = "16", paramLabel = "N", description = "Tokens to generate (default 16).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "0 = greedy (default).")
    double temperature;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed.")
    long seed;

    @Option(names = "--ctx-size", defaultValue = "0", paramLabel = "N", description = "Context size, prompt + generated tokens (default: the model's max_position_embeddings).")
    int ctxSize;

    @Option(names = "--prompt-cache", paramLabel = "DIR", description = "Reuse and save prompt decode states in DIR (persistent prompt cache).")
    Path promptCache;

    @Option(names = "--prompt-cache-bytes", defaultValue = "10737418240", paramLabel = "N", description = "Size cap of --prompt-cache, least recently used evicted (default 10 GiB).")
    long promptCacheBytes;

    @Override
    public Integer call() {
        int[] prompt = Tokens.parse(tokens);
        if (maxTokens < 0) throw new IllegalArgumentException("--max-tokens must be >= 0");
        if (!(temperature >= 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("--temperature must be a finite number >= 0");
        try (Transformer m = model.load()) {
            int ctx = ContextSize.resolve(ctxSize, m.config());
            if (prompt.length >= ctx) {
                throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens but --ctx-size is " + ctx
                        + "; shorten the prompt or raise --ctx-size (up to " + m.config().maxPositionEmbeddings() + ")");
            }
            int gen = Math.min(maxTokens, ctx - prompt.length);
            int V = m.config().vocabSize();
            float[] logits = new float[V];
            Random rnd = new Random(seed);
            long t0 = System.nanoTime();
            DecodeState st = prefill(m, prompt, logits);
            long t1 = System.nanoTime();
            int[] one = new int[1];
            StringBuilder outIds = new StringBuilder();
            for (int i = 0; i < gen; i++) {
                int next = sample(logits, temperature, rnd);
                outIds.append(i == 0 ? "" : ",").append(next);
                if (next == m.config().eosTokenId()) break;
                one[0] = next;
                if (i + 1 < gen) m.forward(st, one, 0, 1, logits, false, null);
            }
            long t2 = System.nanoTime();
            System.out.println(outIds);
            System.err.printf("jseek: prefill %d tokens in %.1f ms, generated %d tokens in %.1f ms%n",
                    prompt.length, (t1 - t0) / 1e6, gen, (t2 - t1) / 1e6);
        }
        return 0;
    }

    /** The state after the whole prompt, with the last token's logits; through the prompt cache if one is given. */
    private DecodeState prefill(Transformer m, int[] prompt, float[] logits) {
        int last = prompt.length - 1;
        ProgressLine progress = prompt.length > Transformer.MAX_CHUNK ? new ProgressLine("jseek: prefill") : null;
        if (promptCache == null) {
            DecodeState st = m.newState();
            m.forward(st, prompt, 0, prompt.length, logits, false, null, progress);
            return st;
        }
        try (PromptCache pc = new PromptCache(promptCache, promptCacheBytes, m.identity(), m::newState)) {
            PromptCache.Hit hit = pc.lookup(prompt, prompt.length, 0);
            DecodeState st = hit != null ? hit.state() : m.newState();
            if (hit != null) System.err.printf("jseek: prompt cache hit: %d of %d prompt tokens restored%n", hit.tokens(), prompt.length);
            if (st.position() < last) {
                m.forward(st, prompt, st.position(), last - st.position(), null, false, null, progress);
                pc.save(prompt, last, st.copy());
            }
            m.forward(st, prompt, last, 1, logits, false, null);
            return st; // closing the cache waits for the save
        }
    }

    static int sample(float[] logits, double temperature, Random rnd) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        if (temperature == 0) return best;
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp((logits[i] - logits[best]) / temperature);
        double u = rnd.nextDouble() * sum;
        for (int i = 0; i < p.length; i++) if ((u -= p[i]) <= 0) return i;
        return best;
    }
}
