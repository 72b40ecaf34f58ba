package io.jseek.cli;

import io.jseek.json.Json;
import io.jseek.text.Tokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** Text to token ids, exactly as Hugging Face tokenizers with add_special_tokens=False. */
@Command(name = "tokenize", description = "Encode text into token ids (JSON array; with --jsonl one {\"ids\": [...]} per line).")
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    TokenizerOptions tok;

    static final class Input {
        @Option(names = "--text", paramLabel = "STR", description = "The text to encode.")
        String text;

        @Option(names = "--jsonl", paramLabel = "IN", description = "File (or - for stdin) of {\"text\": \"...\"} lines.")
        Path jsonl;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Override
    public Integer call() throws Exception {
        Tokenizer t = tok.load();
        if (input.text != null) {
            Stdio.out.println(Json.write(t.encode(input.text)));
        } else {
            try (BufferedReader r = Stdio.lines(input.jsonl)) {
                String line;
                int n = 0;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (line.isBlank()) continue;
                    Map<String, Object> o = Json.parseObject(line);
                    if (!(o.get("text") instanceof String s)) throw new IllegalArgumentException("line " + n + ": expected {\"text\": \"...\"}");
                    Stdio.out.println(Json.write(Map.of("ids", t.encode(s))));
                }
            }
        }
        Stdio.out.flush();
        return 0;
    }
}
