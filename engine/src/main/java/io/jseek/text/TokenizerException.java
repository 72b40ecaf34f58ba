package io.jseek.text;

/** A tokenizer file that cannot be used; the message names the file and the problem on one line. */
public final class TokenizerException extends IllegalArgumentException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
