package io.jseek.cli;

import io.jseek.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** tokenize/detokenize/render in the forms other tools use (--text, --jsonl, --request) on the real V3 tokenizer and V4 encoder goldens. */
class TextCommandsTest {
    static final Path TOKENIZER = Path.of("../engine/src/test/resources/tokenizers/deepseek-v3/tokenizer.json");
    static final Path GOLDEN = Path.of("../engine/src/test/resources/tokenizers/deepseek-v3/golden.jsonl");
    static final Path PROMPTS = Path.of("../engine/src/test/resources/encoding/prompt-golden.jsonl");

    @TempDir
    Path tmp;
    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream saved;

    @BeforeEach
    void capture() {
        saved = Stdio.out;
        Stdio.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
    }

    @AfterEach
    void restore() {
        Stdio.out = saved;
    }

    private String output() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    @SuppressWarnings("unchecked")
    void tokenizeJsonlMatchesEveryGoldenCase() throws Exception {
        List<String> cases = Files.readAllLines(GOLDEN);
        StringBuilder in = new StringBuilder();
        for (String c : cases) in.append(Json.write(Map.of("text", Json.parseObject(c).get("text")))).append('\n');
        Path inFile = tmp.resolve("in.jsonl");
        Files.writeString(inFile, in);
        assertEquals(0, Main.run("tokenize", "--tokenizer", TOKENIZER.toString(), "--jsonl", inFile.toString()));
        List<String> lines = output().lines().toList();
        assertEquals(cases.size(), lines.size());
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(Json.parseObject(cases.get(i)).get("ids"), Json.parseObject(lines.get(i)).get("ids"), "case " + i);
        }
    }

    @Test
    void tokenizeTextAndDetokenizeRoundTrip() {
        assertEquals(0, Main.run("tokenize", "--tokenizer", TOKENIZER.toString(), "--text", "Hello, wörld 12345"));
        String ids = output().trim();
        List<?> list = (List<?>) Json.parse(ids);
        captured.reset();
        String csv = String.join(",", list.stream().map(String::valueOf).toList());
        assertEquals(0, Main.run("detokenize", "--tokenizer", TOKENIZER.toString(), "--ids", csv));
        assertEquals("Hello, wörld 12345", output());
    }

    @Test
    @SuppressWarnings("unchecked")
    void renderJsonlIsByteExactOnEveryGoldenPrompt() throws Exception {
        List<String> cases = Files.readAllLines(PROMPTS);
        StringBuilder in = new StringBuilder();
        for (String c : cases) {
            Map<String, Object> g = Json.parseObject(c);
            Map<String, Object> req = new java.util.LinkedHashMap<>((Map<String, Object>) g.get("request"));
            // the golden file states the mode next to the request; the CLI takes it in the OpenAI body
            req.put("thinking", Map.of("type", "chat".equals(g.get("thinking_mode")) ? "disabled" : "enabled"));
            if (g.get("reasoning_effort") != null) req.put("reasoning_effort", g.get("reasoning_effort"));
            in.append(Json.write(req)).append('\n');
        }
        Path inFile = tmp.resolve("req.jsonl");
        Files.writeString(inFile, in);
        assertEquals(0, Main.run("render", "--jsonl", inFile.toString()));
        List<String> lines = output().lines().toList();
        assertEquals(cases.size(), lines.size());
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(Json.parseObject(cases.get(i)).get("prompt"), Json.parseObject(lines.get(i)).get("prompt"), "case " + i);
        }
    }
}
