package io.jseek.generate;

import io.jseek.model.Transformer;

import java.nio.file.Path;

/**
 * The embedding API: a loaded model, its text codec and the {@link Scheduler} that serves many
 * requests concurrently. {@link #start} streams one reply to a listener; {@link #generate} blocks.
 */
public final class ChatEngine implements AutoCloseable {
    private final Transformer model;
    private final TextCodec codec;
    private final Scheduler scheduler;

    public ChatEngine(Transformer model, TextCodec codec, Scheduler.Config config) {
        this.model = model;
        this.codec = codec;
        this.scheduler = new Scheduler(model, config);
    }

    /** Loads a checkpoint directory with its text codec. */
    public static ChatEngine load(Path dir, int threads, Scheduler.Config config) {
        Transformer m = Transformer.load(dir, threads);
        try {
            return new ChatEngine(m, new AsciiCodec(m.config().vocabSize()), config);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public Transformer model() {
        return model;
    }

    public TextCodec codec() {
        return codec;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public int countTokens(String prompt) {
        return codec.encode(prompt).length;
    }

    /**
     * Starts generating after {@code prompt} (already rendered). With {@code thinking}, the reply
     * opens in the reasoning phase, which ends at {@code </think>}.
     *
     * @throws PromptTooLongException if the prompt fills the context
     * @throws OverloadedException    if the server is saturated
     */
    public Generation start(String prompt, boolean thinking, GenerationParams params, ChatListener listener) {
        int[] ids = codec.encode(prompt);
        Generation g = new Generation(thinking, params.stop(), codec.detokenizer(), listener);
        g.attach(scheduler.submit(ids, params, g));
        return g;
    }

    /** Blocking form of {@link #start}. */
    public ChatResult generate(String prompt, boolean thinking, GenerationParams params) throws InterruptedException {
        return start(prompt, thinking, params, null).await();
    }

    @Override
    public void close() {
        scheduler.close();
        model.close();
    }
}
