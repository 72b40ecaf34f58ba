package io.jseek.model;

/** Told after every chunk of a multi-chunk forward call how many of its tokens are done (long prefills). */
@FunctionalInterface
public interface Progress {
    void done(int tokens, int total);
}
