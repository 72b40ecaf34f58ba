package io.jseek.text;

import io.jseek.json.Json;
import io.jseek.json.JsonException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Incremental parser of V4 completions (spec §3.6): feed decoded text as it streams, get reasoning/content deltas
 * and tool calls. Text that could still become a marker ({@code </think>}, the DSML tool-call start, EOS) is held
 * back until decided, so partial markup never reaches the content. In thinking mode generation starts inside the
 * reasoning, because the prompt ends with {@code <think>}.
 * <p>Tolerates what models emit in practice: a tool block starting inside the reasoning (ends it), ASCII
 * {@code |DSML|}, abbreviated closing tags ({@code </｜DSML｜inv>}), stray think tags, and a block cut off by
 * the token limit (completed parameters of an open call are kept; a partial parameter is dropped).
 * Not thread-safe; one instance per completion.
 */
public final class OutputParser {
    private enum State { REASONING, CONTENT, TOOLS, DONE }

    private enum Kind { THINK_END, THINK_START, TOOLS_START, STOP }

    private static final String DSML_OPEN = "<" + V4Format.DSML;
    private static final String DSML_CLOSE = "</" + V4Format.DSML;
    private static final String[] MARKERS = {
            "\n\n" + V4Format.TOOL_CALLS_START, V4Format.TOOL_CALLS_START,
            "\n\n<" + V4Format.DSML_ASCII + "tool_calls>", "<" + V4Format.DSML_ASCII + "tool_calls>",
            V4Format.THINK_END, V4Format.THINK_START, V4Format.EOS, V4Format.USER};
    private static final Kind[] KINDS = {
            Kind.TOOLS_START, Kind.TOOLS_START, Kind.TOOLS_START, Kind.TOOLS_START,
            Kind.THINK_END, Kind.THINK_START, Kind.STOP, Kind.STOP};
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern STRING = Pattern.compile("string=\"([^\"]*)\"");

    private final boolean toolsEnabled;
    private State state;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder content = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private boolean finished;

    // the tool call being parsed
    private String invokeName;
    private final StringBuilder arguments = new StringBuilder();
    private final Set<String> parameterNames = new HashSet<>();

    private List<OutputEvent> events;

    /**
     * @param thinking     the prompt ended with {@code <think>}: output starts as reasoning
     * @param toolsEnabled report tool calls; when false (tool_choice none) DSML blocks are swallowed silently
     */
    public OutputParser(boolean thinking, boolean toolsEnabled) {
        this.toolsEnabled = toolsEnabled;
        this.state = thinking ? State.REASONING : State.CONTENT;
    }

    /** Consumes the next piece of generated text; returns the events it completes (possibly none). */
    public List<OutputEvent> feed(String chunk) {
        if (finished) throw new IllegalStateException("feed after finish");
        events = new ArrayList<>();
        pending.append(chunk);
        boolean progress = true;
        while (progress && !pending.isEmpty()) {
            progress = switch (state) {
                case REASONING, CONTENT -> textStep();
                case TOOLS -> toolStep();
                case DONE -> {
                    pending.setLength(0); // after EOS or the tool block nothing belongs to the message
                    yield false;
                }
            };
        }
        return events;
    }

    /** Ends the completion: flushes held-back text and closes a tool call cut off mid-block. */
    public List<OutputEvent> finish() {
        if (finished) return List.of();
        events = new ArrayList<>();
        if (state == State.REASONING || state == State.CONTENT) {
            String held = pending.toString();
            int lt = held.indexOf('<');
            // a held-back "<｜…" is a special string cut by the end of generation: drop it with its newlines
            if (lt < 0 || held.length() - lt < 2) emitText(held);
        } else if (state == State.TOOLS && invokeName != null) {
            closeInvoke();
        }
        pending.setLength(0);
        state = State.DONE;
        finished = true;
        return events;
    }

    /** The parsed message; call {@link #finish()} first. */
    public ParsedOutput result() {
        if (!finished) throw new IllegalStateException("result before finish");
        return new ParsedOutput(reasoning.toString(), content.toString(), calls, calls.isEmpty() ? "stop" : "tool_calls");
    }

    private boolean textStep() {
        String s = pending.toString();
        int best = -1, bestLen = 0;
        Kind kind = null;
        for (int m = 0; m < MARKERS.length; m++) {
            int at = s.indexOf(MARKERS[m]);
            if (at >= 0 && (best < 0 || at < best || (at == best && MARKERS[m].length() > bestLen))) {
                best = at;
                bestLen = MARKERS[m].length();
                kind = KINDS[m];
            }
        }
        if (best < 0) {
            int emit = s.length() - heldBack(s);
            emitText(s.substring(0, emit));
            pending.delete(0, emit);
            return false;
        }
        emitText(s.substring(0, best));
        pending.delete(0, best + bestLen);
        switch (kind) {
            case THINK_END -> state = State.CONTENT; // in content it is a stray tag: dropped
            case THINK_START -> { } // stray: dropped
            case TOOLS_START -> state = State.TOOLS;
            case STOP -> state = State.DONE;
        }
        return true;
    }

    /** Length of the longest suffix of {@code s} that could still grow into a marker. */
    private static int heldBack(String s) {
        int hold = 0;
        for (String m : MARKERS) {
            for (int len = Math.min(m.length() - 1, s.length()); len > hold; len--) {
                if (s.regionMatches(s.length() - len, m, 0, len)) {
                    hold = len;
                    break;
                }
            }
        }
        // never split a surrogate pair across two deltas
        if (hold < s.length() && Character.isHighSurrogate(s.charAt(s.length() - hold - 1))) hold++;
        return hold;
    }

    private void emitText(String text) {
        if (text.isEmpty()) return;
        if (state == State.REASONING) {
            reasoning.append(text);
            events.add(new OutputEvent.ReasoningDelta(text));
        } else {
            content.append(text);
            events.add(new OutputEvent.ContentDelta(text));
        }
    }

    /** Consumes one complete tag (with a parameter's value) from the tool block; false when more text is needed. */
    private boolean toolStep() {
        for (int at = pending.indexOf(V4Format.DSML_ASCII); at >= 0; at = pending.indexOf(V4Format.DSML_ASCII, at)) {
            pending.replace(at, at + V4Format.DSML_ASCII.length(), V4Format.DSML);
        }
        String s = pending.toString();
        int p = 0;
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
        if (p == s.length() || s.charAt(p) != '<') {
            int next = s.indexOf('<', p);
            pending.delete(0, next < 0 ? s.length() : next); // whitespace or stray text between tags
            return next >= 0;
        }
        int gt = s.indexOf('>', p);
        if (gt < 0) return false;
        String tag = s.substring(p, gt + 1);
        int consumed = gt + 1;
        if (tag.equals(V4Format.EOS) || tag.equals(V4Format.USER)) {
            if (invokeName != null) closeInvoke();
            state = State.DONE;
        } else if (tag.startsWith(DSML_OPEN + "invoke")) {
            if (invokeName != null) closeInvoke(); // closing tag missing
            openInvoke(attribute(NAME, tag));
        } else if (tag.startsWith(DSML_OPEN + "parameter")) {
            // a value is raw text up to the closing tag; it is complete only once that tag has arrived
            int end = s.indexOf(DSML_CLOSE, consumed);
            int endGt = end < 0 ? -1 : s.indexOf('>', end);
            if (endGt < 0) return false;
            if (invokeName != null) {
                addParameter(attribute(NAME, tag), "true".equals(attribute(STRING, tag)), s.substring(consumed, end));
            }
            consumed = endGt + 1;
        } else if (tag.startsWith(DSML_CLOSE)) {
            String word = tag.substring(DSML_CLOSE.length(), tag.length() - 1);
            boolean closesInvoke = !word.isEmpty() && "invoke".startsWith(word);
            boolean closesBlock = !word.isEmpty() && "tool_calls".startsWith(word);
            if ((closesInvoke || closesBlock) && invokeName != null) closeInvoke();
            if (closesBlock) state = State.DONE;
        }
        pending.delete(0, consumed); // unknown tags are skipped
        return true;
    }

    private static String attribute(Pattern p, String tag) {
        Matcher m = p.matcher(tag);
        return m.find() ? m.group(1) : "";
    }

    private void openInvoke(String name) {
        invokeName = name;
        arguments.setLength(0);
        parameterNames.clear();
        if (toolsEnabled) events.add(new OutputEvent.ToolCallBegin(calls.size(), name));
    }

    private void addParameter(String name, boolean isString, String value) {
        if (!parameterNames.add(name)) return; // duplicate names: the first value wins
        StringBuilder f = new StringBuilder(arguments.isEmpty() ? "{" : ", ");
        Json.quote(f, name);
        f.append(": ");
        String json = isString ? null : rawJson(value);
        if (json != null) f.append(json);
        else Json.quote(f, value); // string="true", or a non-JSON value that can only be kept as a string
        emitArguments(f.toString());
    }

    /** The value text itself when it is valid JSON (the reference inserts it verbatim), else null. */
    private static String rawJson(String value) {
        String t = value.strip();
        try {
            Json.parse(t);
            return t;
        } catch (JsonException e) {
            return null;
        }
    }

    private void closeInvoke() {
        emitArguments(arguments.isEmpty() ? "{}" : "}");
        if (toolsEnabled) calls.add(new ToolCall(null, invokeName, arguments.toString()));
        invokeName = null;
    }

    private void emitArguments(String fragment) {
        arguments.append(fragment);
        if (toolsEnabled) events.add(new OutputEvent.ToolCallArguments(calls.size(), fragment));
    }
}
