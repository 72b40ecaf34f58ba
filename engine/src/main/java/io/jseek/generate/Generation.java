package io.jseek.generate;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One chat request in flight: turns the scheduler's tokens into reasoning/content deltas for a
 * {@link ChatListener}, applies stop strings to the content phase only (with hold-back, so a
 * partially matched stop string is never streamed), and completes with a {@link ChatResult}.
 */
public final class Generation implements TokenSink {
    private static final String THINK_END = "</think>";

    private final TextCodec.Detokenizer detok;
    private final ChatListener listener;
    private final List<String> stops;
    private final int holdBack;
    private final CompletableFuture<ChatResult> done = new CompletableFuture<>();
    private final StringBuilder reasoning = new StringBuilder(), content = new StringBuilder();
    private final StringBuilder pending = new StringBuilder(); // decoded text not yet routed
    private boolean inReasoning;
    private int reasoningTokens;
    private String stopMatched;
    private volatile Sequence sequence;
    private volatile boolean cancelled;

    Generation(boolean thinking, List<String> stops, TextCodec.Detokenizer detok, ChatListener listener) {
        this.inReasoning = thinking;
        this.stops = stops;
        this.detok = detok;
        this.listener = listener == null ? new ChatListener() {
        } : listener;
        int h = THINK_END.length() - 1;
        for (String s : stops) h = Math.max(h, s.length() - 1);
        this.holdBack = h;
    }

    void attach(Sequence s) {
        sequence = s;
        if (cancelled) s.cancel();
    }

    public int promptTokens() {
        return sequence.promptLength();
    }

    /** Prompt tokens served from the prefix cache; final once the first delta arrived. */
    public int cachedTokens() {
        return sequence.cachedTokens();
    }

    /** Ends generation at the next step; the result's finish reason is CANCELLED. */
    public void cancel() {
        cancelled = true;
        Sequence s = sequence;
        if (s != null) s.cancel();
    }

    /** Blocks until the reply is complete. */
    public ChatResult await() throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public CompletableFuture<ChatResult> future() {
        return done;
    }

    @Override
    public boolean onToken(int id) {
        if (inReasoning) reasoningTokens++;
        pending.append(detok.next(id));
        return route(false);
    }

    /** Moves pending text to reasoning or content; false once a stop string matched. */
    private boolean route(boolean end) {
        if (inReasoning) {
            int k = pending.indexOf(THINK_END);
            if (k >= 0) {
                emitReasoning(pending.substring(0, k));
                pending.delete(0, k + THINK_END.length());
                inReasoning = false;
            } else {
                int safe = end ? pending.length() : Math.max(0, pending.length() - (THINK_END.length() - 1));
                emitReasoning(pending.substring(0, safe));
                pending.delete(0, safe);
                return true;
            }
        }
        for (String s : stops) {
            int k = pending.indexOf(s);
            if (k >= 0) {
                emitContent(pending.substring(0, k));
                pending.setLength(0);
                stopMatched = s;
                return false;
            }
        }
        int safe = end || stops.isEmpty() ? pending.length() : Math.max(0, pending.length() - holdBack);
        emitContent(pending.substring(0, safe));
        pending.delete(0, safe);
        return true;
    }

    private void emitReasoning(String s) {
        if (s.isEmpty()) return;
        reasoning.append(s);
        listener.onReasoning(s);
    }

    private void emitContent(String s) {
        if (s.isEmpty()) return;
        content.append(s);
        listener.onContent(s);
    }

    @Override
    public void onEnd(Sequence s, FinishReason reason, Throwable error) {
        if (stopMatched == null) {
            pending.append(detok.flush());
            route(true);
        }
        Usage usage = new Usage(s.promptLength(), s.cachedTokens(), s.generated(), reasoningTokens);
        ChatResult r = new ChatResult(reasoning.toString(), content.toString(), List.of(), usage, reason, stopMatched, error);
        try {
            listener.onFinish(r);
        } finally {
            done.complete(r);
        }
    }
}
