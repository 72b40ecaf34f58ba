package io.jseek.weights;

/** A checkpoint that cannot be used: the message names the tensor/file and what is wrong. */
public final class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }
}
