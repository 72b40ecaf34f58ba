package io.jseek.generate;

/** The prompt leaves no room to generate within the context size. */
public final class PromptTooLongException extends IllegalArgumentException {
    public final int promptTokens, contextSize;

    public PromptTooLongException(int promptTokens, int contextSize) {
        super("the prompt has " + promptTokens + " tokens but the context size is " + contextSize
                + "; shorten the prompt (at least one token must remain for the reply)");
        this.promptTokens = promptTokens;
        this.contextSize = contextSize;
    }
}
