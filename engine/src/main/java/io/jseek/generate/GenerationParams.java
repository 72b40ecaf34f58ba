package io.jseek.generate;

import java.util.List;

/**
 * Token-level settings of one request. {@code maxTokens} counts all generated tokens (reasoning
 * included) and is capped to the room left in the context, never rejected for being large.
 */
public record GenerationParams(int maxTokens, double temperature, double topP, long seed, List<String> stop) {
    public GenerationParams {
        if (maxTokens < 1) throw new IllegalArgumentException("max_tokens must be >= 1");
        if (!(temperature >= 0) || temperature > 2) throw new IllegalArgumentException("temperature must be between 0 and 2");
        if (!(topP > 0) || topP > 1) throw new IllegalArgumentException("top_p must be in (0, 1]");
        stop = stop == null ? List.of() : List.copyOf(stop);
        for (String s : stop) if (s.isEmpty()) throw new IllegalArgumentException("stop strings must not be empty");
    }

    public static GenerationParams greedy(int maxTokens) {
        return new GenerationParams(maxTokens, 0, 1, 0, List.of());
    }
}
