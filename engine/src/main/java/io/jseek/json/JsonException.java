package io.jseek.json;

/** Malformed JSON; the message names the position. */
public final class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
