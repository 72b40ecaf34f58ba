package io.jseek.cli;

import io.jseek.model.ModelGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Writes a random checkpoint in the official format (deterministic per preset and seed). */
@Command(name = "make-tiny", description = "Write a random DeepSeek-V4 checkpoint in the official format (presets: tiny, small, medium, bench).")
final class MakeTinyCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "tiny", paramLabel = "NAME", description = "tiny, small, medium or bench (default tiny).")
    String preset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Random seed (default 0).")
    long seed;

    @Override
    public Integer call() {
        generate(preset, seed, out);
        System.err.println("jseek: wrote " + preset + " checkpoint to " + out);
        return 0;
    }

    static void generate(String preset, long seed, Path out) {
        ModelGenerator.Preset p = ModelGenerator.preset(preset);
        ModelGenerator.write(p, seed, out, msg -> System.err.println("jseek: " + msg));
    }
}
