package io.jseek.cli;

import io.jseek.config.ModelConfig;

/** The {@code --ctx-size} rule shared by the commands: 0 means the model's max_position_embeddings. */
final class ContextSize {
    private ContextSize() {
    }

    static int resolve(int requested, ModelConfig c) {
        int max = c.maxPositionEmbeddings();
        if (requested < 0) throw new IllegalArgumentException("--ctx-size must be >= 2 (or 0 for the model's " + max + ")");
        if (requested == 0) return max;
        if (requested < 2) throw new IllegalArgumentException("--ctx-size must be >= 2");
        if (requested > max) throw new IllegalArgumentException("--ctx-size " + requested + " exceeds the model's max_position_embeddings (" + max + ")");
        return requested;
    }
}
