package io.jseek.cli;

import io.jseek.config.ConfigException;
import io.jseek.json.JsonException;
import io.jseek.weights.CheckpointException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.UncheckedIOException;

/** The {@code jseek} command line: one subcommand per job. Errors are one line, never a stack trace. */
@Command(name = "jseek", mixinStandardHelpOptions = true, version = "jseek 0.1.0",
        description = "Pure-Java inference engine and server for DeepSeek-V4-architecture models.",
        subcommands = {LogitsCommand.class, GenerateCommand.class, InspectCommand.class, MakeTinyCommand.class, BenchCommand.class,
                TokenizeCommand.class, DetokenizeCommand.class, RenderCommand.class, ChatCommand.class, ServeCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("jseek: " + describe(ex));
            if (System.getenv("JSEEK_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    /** One line a user can act on. */
    static String describe(Throwable ex) {
        return switch (ex) {
            case CheckpointException e -> "invalid checkpoint: " + e.getMessage();
            case ConfigException e -> "invalid config: " + e.getMessage();
            case JsonException e -> "invalid JSON: " + e.getMessage();
            case IllegalArgumentException e -> e.getMessage();
            case IllegalStateException e -> e.getMessage();
            case UncheckedIOException e -> "I/O error: " + e.getCause().getMessage();
            case java.io.IOException e -> "I/O error: " + e.getMessage();
            case OutOfMemoryError e -> "out of memory (raise the heap with JSEEK_JAVA_OPTS=-Xmx...): " + e.getMessage();
            default -> ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        };
    }
}
