package io.jseek.cli;

import io.jseek.text.Tokenizer;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --tokenizer FILE} or {@code --model DIR} (its tokenizer.json); the demo model's by default. */
final class TokenizerOptions {
    @Option(names = "--tokenizer", paramLabel = "FILE", description = "A Hugging Face tokenizer.json.")
    Path tokenizer;

    @Option(names = "--model", paramLabel = "DIR", description = "A model directory (uses DIR/tokenizer.json).")
    Path model;

    Tokenizer load() {
        Path f = tokenizer != null ? tokenizer : (model != null ? model : ModelOptions.demoModel()).resolve("tokenizer.json");
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("tokenizer not found: " + f);
        return Tokenizer.load(f);
    }
}
