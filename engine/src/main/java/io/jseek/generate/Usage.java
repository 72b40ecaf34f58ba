package io.jseek.generate;

/** Token accounting of one request; {@code completionTokens} includes {@code reasoningTokens}. */
public record Usage(int promptTokens, int cachedTokens, int completionTokens, int reasoningTokens) {
    public int missTokens() {
        return promptTokens - cachedTokens;
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
