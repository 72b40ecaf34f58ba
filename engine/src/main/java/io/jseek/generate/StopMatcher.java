package io.jseek.generate;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that could be the start of a stop string is held back until decided,
 * so the stop string itself is never emitted (OpenAI semantics: the returned text excludes it).
 */
public final class StopMatcher {
    /** What to emit for one pushed chunk, and whether a stop string ended the output. */
    public record Step(String emit, boolean stopped) {
    }

    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    public StopMatcher(List<String> stops) {
        this.stops = List.copyOf(stops);
        for (String s : this.stops) {
            if (s.isEmpty()) throw new IllegalArgumentException("stop strings must not be empty");
        }
    }

    public Step push(String text) {
        if (stopped) return new Step("", true);
        pending.append(text);
        int first = -1;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0) {
            stopped = true;
            String emit = pending.substring(0, first);
            pending.setLength(0);
            return new Step(emit, true);
        }
        int emit = pending.length() - heldBack();
        String out = pending.substring(0, emit);
        pending.delete(0, emit);
        return new Step(out, false);
    }

    /** At the end of generation: the held-back text, which turned out not to be a stop string. */
    public String flush() {
        String rest = stopped ? "" : pending.toString();
        pending.setLength(0);
        return rest;
    }

    public boolean stopped() {
        return stopped;
    }

    private int heldBack() {
        int n = pending.length();
        int hold = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, n); len > hold; len--) {
                if (endsWithPrefix(s, len)) {
                    hold = len;
                    break;
                }
            }
        }
        // never split a surrogate pair across two emits
        if (hold < n && Character.isHighSurrogate(pending.charAt(n - hold - 1))) hold++;
        return hold;
    }

    private boolean endsWithPrefix(String s, int len) {
        int base = pending.length() - len;
        for (int k = 0; k < len; k++) {
            if (pending.charAt(base + k) != s.charAt(k)) return false;
        }
        return true;
    }
}
