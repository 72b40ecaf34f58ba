package io.jseek.text;

import java.util.Locale;

/**
 * Reasoning effort as the April V4 encoder knows it: only {@link #MAX} changes the prompt ({@link #HIGH} renders
 * like no effort at all). {@link #NONE} means "do not think" and switches the request to chat mode.
 */
public enum ReasoningEffort {
    NONE, HIGH, MAX;

    /**
     * Maps every spelling clients send onto the April levels (spec §1.3/§3.5, vLLM's April wrapper):
     * none → chat mode; max, xhigh, ultra → max; minimal, low, medium, high → high.
     */
    public static ReasoningEffort parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "max", "xhigh", "ultra" -> MAX;
            case "minimal", "low", "medium", "high" -> HIGH;
            default -> throw new IllegalArgumentException("unknown reasoning_effort '" + s
                    + "' (expected none, minimal, low, medium, high, xhigh, max or ultra)");
        };
    }
}
