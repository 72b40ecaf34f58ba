package io.jseek.cli;

import io.jseek.generate.PromptCache;
import io.jseek.model.Transformer;
import io.jseek.state.DecodeState;
import io.jseek.config.ModelConfig;
import io.jseek.generate.ChatEngine;
import io.jseek.generate.ChatListener;
import io.jseek.generate.ChatResult;
import io.jseek.generate.Generation;
import io.jseek.generate.Sampler;
import io.jseek.generate.SamplingParams;
import io.jseek.generate.Scheduler;
import io.jseek.text.ChatMessage;
import io.jseek.text.ChatRequest;
import io.jseek.text.ReasoningEffort;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Token-level generation: prefill the prompt ids, then sample new ids one at a time. */
@Command(name = "generate", description = "Generate token ids after a prompt of token ids.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    static final class Prompt {
        @Option(names = "--tokens", paramLabel = "IDS", description = "Prompt token ids, comma-separated (prints the generated ids).")
        String tokens;

        @Option(names = "--prompt", paramLabel = "TEXT", description = "A user message, rendered with the V4 chat template (prints the reply).")
        String prompt;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompt input;

    @Option(names = "--no-think", description = "With --prompt: chat mode instead of thinking mode.")
    boolean noThink;

    @Option(names = "--raw", description = "With --prompt: complete the text as is, without the chat template.")
    boolean raw;


    @Option(names = "--max-tokens", defaultValue = "16", paramLabel = "N", description = "Tokens to generate (default 16).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "0 = greedy (default).")
    double temperature;

    @Option(names = "--seed", paramLabel = "S", description = "Sampling seed (same seed, same output).")
    Long seed;

    @Option(names = "--ctx-size", defaultValue = "0", paramLabel = "N", description = "Context size, prompt + generated tokens (default: the model's max_position_embeddings).")
    int ctxSize;

    @Option(names = "--prompt-cache", paramLabel = "DIR", description = "Reuse and save prompt decode states in DIR (persistent prompt cache).")
    Path promptCache;

    @Option(names = "--prompt-cache-bytes", defaultValue = "10737418240", paramLabel = "N", description = "Size cap of --prompt-cache, least recently used evicted (default 10 GiB).")
    long promptCacheBytes;

    @Override
    public Integer call() throws Exception {
        if (input.prompt != null) return text();
        int[] prompt = Tokens.parse(input.tokens);
        if (maxTokens < 0) throw new IllegalArgumentException("--max-tokens must be >= 0");
        try (Transformer m = model.load()) {
            int ctx = ContextSize.resolve(ctxSize, m.config());
            if (prompt.length >= ctx) {
                throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens but --ctx-size is " + ctx
                        + "; shorten the prompt or raise --ctx-size (up to " + m.config().maxPositionEmbeddings() + ")");
            }
            int gen = Math.min(maxTokens, ctx - prompt.length);
            int V = m.config().vocabSize();
            float[] logits = new float[V];
            Sampler sampler = new Sampler(new SamplingParams(temperature, 1, 0, 0, 0, 0, seed, null, List.of()), V);
            long t0 = System.nanoTime();
            DecodeState st = prefill(m, prompt, logits);
            long t1 = System.nanoTime();
            int[] one = new int[1];
            StringBuilder outIds = new StringBuilder();
            for (int i = 0; i < gen; i++) {
                int next = sampler.sample(logits);
                sampler.accept(next);
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

    /** Text in, text out through the chat engine: reasoning to stderr (dimmed on a terminal), the reply to stdout. */
    private int text() throws Exception {
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1 with --prompt");
        int ctx = ContextSize.resolve(ctxSize, ModelConfig.load(model.dir()));
        try (ChatEngine engine = ChatEngine.load(model.dir(), model.threads, model.layout(), new Scheduler.Config(1, 0, ctx, Long.MAX_VALUE, 1, 256), promptCache, promptCacheBytes)) {
            SamplingParams params = new SamplingParams(temperature, 1, 0, 0, 0, 0, seed, maxTokens, List.of());
            ChatListener print = new ChatListener() {
                @Override
                public void onReasoning(String delta) {
                    System.err.print(delta);
                }

                @Override
                public void onContent(String delta) {
                    Stdio.out.print(delta);
                    Stdio.out.flush();
                }
            };
            long t0 = System.nanoTime();
            Generation g = raw ? engine.complete(input.prompt, params, print)
                    : engine.chat(new ChatRequest(List.of(ChatMessage.user(input.prompt)), List.of(), !noThink, ReasoningEffort.HIGH, true), false, params, print);
            ChatResult r = g.await();
            Stdio.out.println();
            Stdio.out.flush();
            System.err.printf("jseek: %d prompt tokens, %d generated in %.2f s (%s)%n", r.usage().promptTokens(),
                    r.usage().completionTokens(), (System.nanoTime() - t0) / 1e9, r.finishReason().toString().toLowerCase());
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
}
