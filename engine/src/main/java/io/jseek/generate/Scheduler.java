package io.jseek.generate;

import io.jseek.model.Transformer;
import io.jseek.state.DecodeState;
import io.jseek.state.StateSize;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs every active sequence on one engine thread, one step each per round: a prefill chunk or one
 * decode token. New requests join between steps (continuous batching at the step level), so a long
 * prompt never blocks other streams for more than one chunk. Admission is bounded by
 * {@code parallel}, a queue limit (beyond it: {@link OverloadedException}) and a state-memory budget;
 * finished states go to a {@link PrefixCache} so a follow-up prompt skips its shared prefix, and,
 * when given, to a persistent {@link PromptCache} as the second level (it survives restarts).
 */
public final class Scheduler implements AutoCloseable {
    /**
     * @param parallel     sequences decoded concurrently
     * @param queueLimit   accepted sequences waiting for a slot before submissions are refused
     * @param contextSize  prompt + generated tokens per sequence
     * @param stateBudget  bytes of decode state (active + cached) before admission waits
     * @param cacheEntries prefix-cache entries kept (0 disables reuse)
     * @param prefillChunk prompt tokens processed per step
     */
    public record Config(int parallel, int queueLimit, int contextSize, long stateBudget, int cacheEntries, int prefillChunk) {
        public Config {
            if (parallel < 1) throw new IllegalArgumentException("parallel must be >= 1");
            if (queueLimit < 0) throw new IllegalArgumentException("queue limit must be >= 0");
            if (contextSize < 2) throw new IllegalArgumentException("context size must be >= 2");
            if (prefillChunk < 1) throw new IllegalArgumentException("prefill chunk must be >= 1");
        }

        /** Four concurrent sequences, an 8K context, 2 GiB of decode state: fine for embedding and the demo. */
        public static Config defaults() {
            return new Config(4, 64, 8192, 2L << 30, 8, 256);
        }
    }

    private final Transformer model;
    private final Config config;
    private final int vocab;
    private final StateSize stateSize;
    private final Object lock = new Object();
    private final ArrayDeque<Sequence> pending = new ArrayDeque<>();   // guarded by lock
    private final ArrayList<Sequence> active = new ArrayList<>();      // engine thread only
    private final PrefixCache cache;
    private final Sequence[] decoding;        // engine thread only: this round's decoding sequences
    private final DecodeState[] decodeStates;
    private final int[] decodeTokens;
    private final float[] batchLogits;        // [parallel, V]
    private final PromptCache diskCache; // may be null
    private final Thread thread;
    private volatile boolean closed;
    private volatile int activeCount;
    private volatile long activeBytes, cacheBytes, prefillRemaining;
    private final AtomicLong promptTokens = new AtomicLong(), cachedTokens = new AtomicLong(), generatedTokens = new AtomicLong(), prefilledTokens = new AtomicLong();
    private final AtomicLong prefillNanos = new AtomicLong(), decodeNanos = new AtomicLong();

    public Scheduler(Transformer model, Config config) {
        this(model, config, null);
    }

    /** A scheduler that also reuses and saves states in {@code diskCache} (owned: closed with the scheduler). */
    public Scheduler(Transformer model, Config config, PromptCache diskCache) {
        this.model = model;
        this.config = config;
        this.diskCache = diskCache;
        this.vocab = model.config().vocabSize();
        this.cache = new PrefixCache(config.cacheEntries());
        this.decoding = new Sequence[config.parallel()];
        this.decodeStates = new DecodeState[config.parallel()];
        this.decodeTokens = new int[config.parallel()];
        this.batchLogits = new float[config.parallel() * vocab];
        this.stateSize = StateSize.of(model.config(), model.kvLayout());
        this.thread = Thread.ofPlatform().name("jseek-engine").daemon().start(this::run);
    }

    public Config config() {
        return config;
    }

    /**
     * Queues a prompt. {@code params.maxTokens()} (null: no limit) is capped to the room left in the context.
     *
     * @throws PromptTooLongException if the prompt fills the context
     * @throws OverloadedException    if the queue is full
     */
    public Sequence submit(int[] prompt, SamplingParams params, TokenSink sink) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (prompt.length >= config.contextSize()) throw new PromptTooLongException(prompt.length, config.contextSize());
        for (int id : prompt) {
            if (id < 0 || id >= vocab) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary");
        }
        int room = config.contextSize() - prompt.length;
        int maxNew = params.maxTokens() == null ? room : Math.min(params.maxTokens(), room);
        Sequence s = new Sequence(prompt, maxNew, params, vocab, sink);
        synchronized (lock) {
            if (closed) throw new IllegalStateException("the scheduler is closed");
            if (pending.size() >= config.queueLimit() + Math.max(0, config.parallel() - activeCount))
                throw new OverloadedException("the server is busy: " + activeCount + " active and " + pending.size() + " queued requests; retry later");
            pending.add(s);
            lock.notifyAll();
        }
        return s;
    }

    public int queued() {
        synchronized (lock) {
            return pending.size();
        }
    }

    public int active() {
        return activeCount;
    }

    /** Bytes of decode state held by active sequences and by the prefix cache. */
    public long stateBytes() {
        return activeBytes + cacheBytes;
    }

    public long promptTokens() {
        return promptTokens.get();
    }

    public long cachedPromptTokens() {
        return cachedTokens.get();
    }

    public long generatedTokens() {
        return generatedTokens.get();
    }

    /** Prompt tokens run through the model so far (not counting cache hits): its rate is the prefill speed. */
    public long prefilledTokens() {
        return prefilledTokens.get();
    }

    /** Prompt tokens the active sequences still have to prefill (with {@link #prefilledTokens} a progress/ETA for long prompts). */
    public long prefillRemaining() {
        return prefillRemaining;
    }

    /** Seconds spent prefilling {@link #prefilledTokens()}. */
    public double prefillSeconds() {
        return prefillNanos.get() / 1e9;
    }

    /** Seconds spent in batched decode steps (their tokens are {@link #generatedTokens()}). */
    public double decodeSeconds() {
        return decodeNanos.get() / 1e9;
    }

    private void run() {
        while (!closed) {
            admit();
            if (active.isEmpty()) {
                synchronized (lock) {
                    while (pending.isEmpty() && !closed) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                continue;
            }
            // prompt chunks run per sequence; then every sequence that is decoding advances by one token in a
            // single batched pass over the weights (continuous batching: newcomers join at the next round)
            int n = 0;
            for (int i = 0; i < active.size(); ) {
                Sequence s = active.get(i);
                FinishReason end;
                Throwable error = null;
                try {
                    end = prefillStep(s);
                } catch (RuntimeException | Error e) {
                    end = FinishReason.ERROR;
                    error = e;
                }
                if (end != null) {
                    active.remove(i);
                    activeCount = active.size(); // before the callback: a caller may submit again right away
                    finish(s, end, error);
                    continue;
                }
                if (s.state.position() >= s.promptLength() - 1) {
                    decoding[n] = s;
                    decodeStates[n] = s.state;
                    decodeTokens[n] = s.tokens()[s.state.position()];
                    n++;
                }
                i++;
            }
            if (n > 0) decodeRound(n);
            activeCount = active.size();
            long b = 0, left = 0;
            for (Sequence s : active) {
                b += s.state.bytes();
                left += Math.max(0, s.promptLength() - s.state.position());
            }
            activeBytes = b;
            prefillRemaining = left;
            trimCache();
        }
        shutdown();
    }

    /** Moves pending sequences into free slots while the memory budget allows (always at least one). */
    private void admit() {
        while (active.size() < config.parallel()) {
            Sequence s;
            synchronized (lock) {
                s = pending.peek();
                if (s == null) return;
                if (!active.isEmpty() && !fits(s)) return;
                pending.poll();
            }
            if (s.cancelled()) {
                finish(s, FinishReason.CANCELLED, null);
                continue;
            }
            DecodeState st = cache.lookup(s.tokens(), s.promptLength());
            if (diskCache != null) {
                PromptCache.Hit hit = diskCache.lookup(s.tokens(), s.promptLength(), st == null ? 0 : st.position());
                if (hit != null) st = hit.state();
            }
            if (st == null) st = model.newState();
            s.state = st;
            s.logits = new float[vocab];
            s.cachedTokens(st.position());
            promptTokens.addAndGet(s.promptLength());
            cachedTokens.addAndGet(st.position());
            active.add(s);
            activeCount = active.size();
        }
    }

    /** Whether the state {@code s} will hold after its prompt fits the budget (evicting cached states if needed). */
    private boolean fits(Sequence s) {
        long need = stateSize.at(s.promptLength());
        while (activeBytes + cache.bytes() + need > config.stateBudget()) {
            if (!cache.evictOldest()) return false;
        }
        cacheBytes = cache.bytes();
        return true;
    }

    private void trimCache() {
        while (activeBytes + cache.bytes() > config.stateBudget() && cache.evictOldest()) {
            // evicted the least recently used entry
        }
        cacheBytes = cache.bytes();
    }

    /** A prompt chunk of one sequence (nothing once only the last prompt token is left); returns how it ended, or null. */
    private FinishReason prefillStep(Sequence s) {
        if (s.cancelled()) return FinishReason.CANCELLED;
        DecodeState st = s.state;
        int pos = st.position(), last = s.promptLength() - 1;
        if (pos < last) {
            // prefill all but the last prompt token; the state at that point is worth caching
            // because an identical prompt needs exactly it
            int n = Math.min(config.prefillChunk(), last - pos);
            long t0 = System.nanoTime();
            model.forward(st, s.tokens(), pos, n, null, false, null);
            prefillNanos.addAndGet(System.nanoTime() - t0);
            prefilledTokens.addAndGet(n);
            if (pos + n == last && (config.cacheEntries() > 0 || diskCache != null)) {
                DecodeState snapshot = st.copy(); // read-only from now on: both levels may share it
                cache.put(s.tokens(), last, snapshot);
                if (diskCache != null) diskCache.save(s.tokens(), last, snapshot);
            }
        }
        return null;
    }

    /** One batched decode step for decoding[0..n): sample, deliver, and retire finished sequences. */
    private void decodeRound(int n) {
        Throwable error = null;
        long t0 = System.nanoTime();
        try {
            model.decodeBatch(decodeStates, decodeTokens, n, batchLogits);
        } catch (RuntimeException | Error e) {
            error = e;
        }
        decodeNanos.addAndGet(System.nanoTime() - t0);
        for (int k = 0; k < n; k++) {
            Sequence s = decoding[k];
            decoding[k] = null;
            decodeStates[k] = null;
            FinishReason end;
            if (error != null) {
                end = FinishReason.ERROR;
            } else {
                System.arraycopy(batchLogits, k * vocab, s.logits, 0, vocab);
                end = afterToken(s);
            }
            if (end != null) {
                active.remove(s);
                activeCount = active.size();
                finish(s, end, error);
            }
        }
    }

    private FinishReason afterToken(Sequence s) {
        int id = s.sampleAndAppend();
        generatedTokens.incrementAndGet();
        boolean more = s.sink().onToken(id);
        if (!more) return FinishReason.STOP; // EOS or a stop string, as the sink decides
        if (s.generated() >= s.maxNew()) return FinishReason.LENGTH;
        return null;
    }

    private void finish(Sequence s, FinishReason reason, Throwable error) {
        DecodeState st = s.state;
        s.state = null;
        s.logits = null;
        if (st != null && reason != FinishReason.ERROR && st.position() > 0) {
            cache.put(s.tokens(), st.position(), st);
            if (diskCache != null) diskCache.save(s.tokens(), st.position(), st);
        }
        try {
            s.sink().onEnd(s, reason, error);
        } catch (RuntimeException e) {
            System.err.println("jseek: a token sink failed: " + e);
        }
    }

    private void shutdown() {
        for (Sequence s : active) finish(s, FinishReason.CANCELLED, null);
        active.clear();
        synchronized (lock) {
            for (Sequence s : pending) finish(s, FinishReason.CANCELLED, null);
            pending.clear();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (diskCache != null) diskCache.close();
    }
}
