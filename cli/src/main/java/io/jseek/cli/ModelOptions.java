package io.jseek.cli;

import io.jseek.model.Transformer;
import io.jseek.state.KvLayout;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --model DIR} (or the built-in demo model when absent), {@code --threads N} and {@code --kv-dtype}. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR", description = "Checkpoint directory (config.json + safetensors). Default: the built-in demo model.")
    Path model;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: available cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--kv-dtype", defaultValue = "bf16", paramLabel = "TYPE",
            description = "Decode-state storage: bf16 (default, as the official code keeps it), f32 (exact: for comparisons with reference logits), fp8 (fp8 + bf16 rope channels, fp8 indexer keys) or fp4 (same, fp4 indexer keys).")
    String kvDtype;

    KvLayout layout() {
        return KvLayout.parse(kvDtype);
    }

    Path dir() {
        return model != null ? model : demoModel();
    }

    Transformer load() {
        Path d = dir();
        if (!Files.isDirectory(d)) throw new IllegalArgumentException("model directory not found: " + d);
        if (threads < 1 || threads > 1024) throw new IllegalArgumentException("--threads must be between 1 and 1024");
        return Transformer.load(d, threads, layout());
    }

    /** The demo model: the deterministic "tiny" preset, generated once into the user's cache. */
    static Path demoModel() {
        String home = System.getenv("JSEEK_HOME");
        Path root = home != null ? Path.of(home) : Path.of(System.getProperty("user.home"), ".cache", "jseek");
        Path dir = root.resolve("demo-tiny-seed0-v2");
        if (!Files.isRegularFile(dir.resolve("model.safetensors.index.json"))) {
            System.err.println("jseek: generating the built-in demo model in " + dir);
            // written aside and renamed into place, so two first runs at once never see a half-written model
            Path tmp = root.resolve("demo-tiny.tmp-" + ProcessHandle.current().pid());
            MakeTinyCommand.generate("tiny", 0, tmp);
            try {
                Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.io.IOException e) {
                if (!Files.isRegularFile(dir.resolve("model.safetensors.index.json")))
                    throw new java.io.UncheckedIOException("cannot install the demo model in " + dir, e);
                deleteQuietly(tmp); // another jseek process installed it first
            }
        }
        return dir;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (java.io.IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
