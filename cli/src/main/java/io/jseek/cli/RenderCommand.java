package io.jseek.cli;

import io.jseek.json.Json;
import io.jseek.text.ChatEncoder;
import io.jseek.text.ChatRequestParser;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** A chat request (OpenAI body) to the exact DeepSeek-V4 prompt string. */
@Command(name = "render", description = "Render a chat request JSON into the exact V4 prompt string.")
final class RenderCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "Accepted for symmetry; the V4 encoding does not depend on the checkpoint.")
    Path model;

    static final class Input {
        @Option(names = "--request", paramLabel = "FILE", description = "One request JSON (or - for stdin); prints the prompt.")
        Path request;

        @Option(names = "--jsonl", paramLabel = "IN", description = "Request lines; prints one {\"prompt\": \"...\"} line each.")
        Path jsonl;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Override
    public Integer call() throws Exception {
        if (input.request != null) {
            Stdio.out.print(render(Stdio.read(input.request)));
        } else {
            try (BufferedReader r = Stdio.lines(input.jsonl)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) continue;
                    Stdio.out.println(Json.write(Map.of("prompt", render(line))));
                }
            }
        }
        Stdio.out.flush();
        return 0;
    }

    static String render(String json) {
        return ChatEncoder.encode(ChatRequestParser.parse(Json.parseObject(json)));
    }
}
