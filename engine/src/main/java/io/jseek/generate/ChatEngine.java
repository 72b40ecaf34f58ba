package io.jseek.generate;

import io.jseek.model.Transformer;
import io.jseek.state.KvLayout;
import io.jseek.text.ChatEncoder;
import io.jseek.text.ChatRequest;
import io.jseek.text.OutputParser;
import io.jseek.text.StreamDecoder;
import io.jseek.text.Tokenizer;
import io.jseek.text.V4Format;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedding API: a loaded model with its tokenizer and the {@link Scheduler} that serves many
 * requests concurrently. {@link #chat(ChatRequest, SamplingParams, ChatListener)} streams one reply;
 * {@link #chat(ChatRequest, SamplingParams)} blocks for it. Thread-safe.
 */
public final class ChatEngine implements AutoCloseable {
    private final Transformer model;
    private final Tokenizer tokenizer;
    private final Scheduler scheduler;
    private final int eosId, thinkEndId;

    public ChatEngine(Transformer model, Tokenizer tokenizer, Scheduler.Config config) {
        this(model, tokenizer, config, null);
    }

    /** An engine whose scheduler also uses (and owns) the persistent {@code promptCache}, which may be null. */
    public ChatEngine(Transformer model, Tokenizer tokenizer, Scheduler.Config config, PromptCache promptCache) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.scheduler = new Scheduler(model, config, promptCache);
        int eos = tokenizer.specialId(V4Format.EOS);
        this.eosId = eos >= 0 ? eos : model.config().eosTokenId();
        this.thinkEndId = tokenizer.specialId(V4Format.THINK_END);
    }

    /** Loads a checkpoint directory and the tokenizer.json beside its weights. */
    public static ChatEngine load(Path dir, int threads, Scheduler.Config config) {
        return load(dir, threads, KvLayout.F32, config, null, 0);
    }

    /**
     * Loads a checkpoint with kv storage {@code layout}; with a {@code promptCacheDir}, states are also
     * saved there and reused across restarts, up to {@code promptCacheBytes}.
     */
    public static ChatEngine load(Path dir, int threads, KvLayout layout, Scheduler.Config config, Path promptCacheDir, long promptCacheBytes) {
        Path tj = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tj)) throw new IllegalArgumentException("no tokenizer.json in " + dir);
        Tokenizer tok = Tokenizer.load(tj);
        Transformer m = Transformer.load(dir, threads, layout);
        try {
            PromptCache pc = promptCacheDir == null ? null : new PromptCache(promptCacheDir, promptCacheBytes, m.identity(), m::newState);
            return new ChatEngine(m, tok, config, pc);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public Transformer model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Prompt tokens of a request, as {@link Usage#promptTokens()} will report them. */
    public int countTokens(ChatRequest request) {
        return tokenizer.encode(ChatEncoder.encode(request)).length;
    }

    /**
     * Starts a chat reply; deltas go to {@code listener} (may be null) on the engine thread.
     *
     * @param toolsEnabled parse DSML tool calls (false for tool_choice "none": they are swallowed)
     * @throws PromptTooLongException if the prompt fills the context
     * @throws OverloadedException    if the server is saturated
     */
    public Generation chat(ChatRequest request, boolean toolsEnabled, SamplingParams params, ChatListener listener) {
        return chat(request, toolsEnabled, false, params, listener);
    }

    /** As above; with {@code ignoreEos} the reply runs to max_tokens (vLLM's ignore_eos, for benchmarks). */
    public Generation chat(ChatRequest request, boolean toolsEnabled, boolean ignoreEos, SamplingParams params, ChatListener listener) {
        return start(ChatEncoder.encode(request), request.thinking(), toolsEnabled, ignoreEos, params, listener);
    }

    public Generation chat(ChatRequest request, SamplingParams params, ChatListener listener) {
        return chat(request, !request.tools().isEmpty(), params, listener);
    }

    /** Blocking chat: the complete reply. */
    public ChatResult chat(ChatRequest request, SamplingParams params) throws InterruptedException {
        return chat(request, params, null).await();
    }

    /** Raw completion of {@code prompt} (no chat template, no reasoning or tool parsing). */
    public Generation complete(String prompt, SamplingParams params, ChatListener listener) {
        return start(prompt, false, false, false, params, listener);
    }

    private Generation start(String prompt, boolean thinking, boolean tools, boolean ignoreEos, SamplingParams params, ChatListener listener) {
        int[] ids = tokenizer.encode(prompt);
        Generation g = new Generation(new StreamDecoder(tokenizer), new OutputParser(thinking, tools), thinking,
                params.stop(), eosId, thinkEndId, ignoreEos, listener);
        g.attach(scheduler.submit(ids, params, g));
        return g;
    }

    @Override
    public void close() {
        scheduler.close();
        model.close();
    }
}
