package io.jseek.generate;

/** The scheduler's queue is full: the caller should retry later (HTTP 429). */
public final class OverloadedException extends RuntimeException {
    public OverloadedException(String message) {
        super(message);
    }
}
