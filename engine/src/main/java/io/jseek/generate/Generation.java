package io.jseek.generate;

import io.jseek.text.OutputEvent;
import io.jseek.text.OutputParser;
import io.jseek.text.ParsedOutput;
import io.jseek.text.StreamDecoder;
import io.jseek.text.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One chat request in flight, as the scheduler's {@link TokenSink}: detokenizes incrementally, parses
 * reasoning / content / tool calls, applies stop strings to the content only (never to the reasoning,
 * spec §5.7), forwards deltas to a {@link ChatListener} and completes with a {@link ChatResult}.
 */
public final class Generation implements TokenSink {
    private final StreamDecoder decoder;
    private final OutputParser parser;
    private final StopMatcher stops;
    private final List<String> stopStrings;
    private final int eosId, thinkEndId;
    private final boolean ignoreEos;
    private final ChatListener listener;
    private final CompletableFuture<ChatResult> done = new CompletableFuture<>();
    private final StringBuilder contentSeen = new StringBuilder(); // content before stop matching
    private final StringBuilder content = new StringBuilder();
    private final List<String> callIds = new ArrayList<>();
    private boolean reasoningOpen;
    private int reasoningTokens;
    private volatile Sequence sequence;
    private volatile boolean cancelled;

    Generation(StreamDecoder decoder, OutputParser parser, boolean thinking, List<String> stops, int eosId, int thinkEndId,
               boolean ignoreEos, ChatListener listener) {
        this.ignoreEos = ignoreEos;
        this.decoder = decoder;
        this.parser = parser;
        this.stopStrings = stops;
        this.stops = new StopMatcher(stops);
        this.eosId = eosId;
        this.thinkEndId = thinkEndId;
        this.reasoningOpen = thinking;
        this.listener = listener == null ? new ChatListener() {
        } : listener;
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
        if (reasoningOpen) reasoningTokens++;
        if (id == thinkEndId) reasoningOpen = false;
        if (id == eosId) return ignoreEos; // ignored EOS: no text, generation goes on (benchmarks, tests)
        return route(parser.feed(decoder.add(id)));
    }

    /** Forwards parser events; false once a stop string ended the content. */
    private boolean route(List<OutputEvent> events) {
        for (OutputEvent e : events) {
            switch (e) {
                case OutputEvent.ReasoningDelta(String t) -> listener.onReasoning(t);
                case OutputEvent.ContentDelta(String t) -> {
                    reasoningOpen = false;
                    contentSeen.append(t);
                    StopMatcher.Step step = stops.push(t);
                    emitContent(step.emit());
                    if (step.stopped()) return false;
                }
                case OutputEvent.ToolCallBegin(int index, String name) -> {
                    reasoningOpen = false;
                    String callId = "call_" + String.format("%02d", index) + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
                    callIds.add(callId);
                    listener.onToolCall(index, callId, name);
                }
                case OutputEvent.ToolCallArguments(int index, String fragment) -> listener.onToolArguments(index, fragment);
            }
        }
        return true;
    }

    private void emitContent(String s) {
        if (s.isEmpty()) return;
        content.append(s);
        listener.onContent(s);
    }

    @Override
    public void onEnd(Sequence s, FinishReason reason, Throwable error) {
        ChatResult r;
        try {
            String stopped = stopSequence();
            if (stopped == null) {
                route(parser.feed(decoder.flush()));
                route(parser.finish());
                stopped = stopSequence();
                if (stopped == null) emitContent(stops.flush());
            } else {
                parser.finish();
            }
            ParsedOutput out = parser.result();
            List<ToolCall> calls = new ArrayList<>();
            for (int i = 0; i < out.toolCalls().size(); i++) {
                ToolCall c = out.toolCalls().get(i);
                calls.add(new ToolCall(i < callIds.size() ? callIds.get(i) : "call_" + i, c.name(), c.arguments()));
            }
            if (reason == FinishReason.STOP && !calls.isEmpty()) reason = FinishReason.TOOL_CALLS;
            Usage usage = new Usage(s.promptLength(), s.cachedTokens(), s.generated(), reasoningTokens);
            r = new ChatResult(out.reasoningContent(), content.toString(), calls, usage, reason, stopped, error);
        } catch (RuntimeException e) {
            Usage usage = new Usage(s.promptLength(), s.cachedTokens(), s.generated(), reasoningTokens);
            r = new ChatResult("", content.toString(), List.of(), usage, FinishReason.ERROR, null, e);
        }
        try {
            listener.onFinish(r);
        } finally {
            done.complete(r);
        }
    }

    /** The stop string that ended the content: the one found where the emitted content ends. */
    private String stopSequence() {
        if (!stops.stopped()) return null;
        String best = null;
        for (String st : stopStrings) {
            if (contentSeen.indexOf(st, content.length()) == content.length() && (best == null || st.length() > best.length())) best = st;
        }
        return best;
    }
}
