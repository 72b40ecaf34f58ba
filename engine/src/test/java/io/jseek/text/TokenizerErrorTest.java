package io.jseek.text;

import io.jseek.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken or unsupported files give one-line messages naming the file and the problem. */
class TokenizerErrorTest {
    @TempDir
    Path dir;

    private static final String PRE = "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":true}";
    private static final String DEC = "{\"type\":\"ByteLevel\"}";

    private String failure(String json) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, json);
        return failure(f);
    }

    private static String failure(Path f) {
        TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(f));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e.getMessage();
    }

    private static void contains(String message, String part) {
        assertTrue(message.contains(part), () -> "\"" + part + "\" not in: " + message);
    }

    @Test
    void missingFile() {
        contains(failure(dir.resolve("nope/tokenizer.json")), "file not found");
    }

    @Test
    void malformedJson() throws IOException {
        contains(failure("{\"model\": {\"type\": \"BPE\",}"), "malformed JSON");
        contains(failure("[1, 2]"), "malformed JSON");
    }

    @Test
    void unsupportedModelType() throws IOException {
        contains(failure("{\"model\":{\"type\":\"WordPiece\",\"vocab\":{}},\"pre_tokenizer\":" + PRE + "}"),
                "unsupported model type \"WordPiece\"");
        contains(failure("{\"model\":{\"type\":\"Unigram\",\"vocab\":[]}}"), "only BPE");
    }

    @Test
    void notByteLevel() throws IOException {
        contains(failure("{\"model\":{\"type\":\"BPE\",\"vocab\":{},\"merges\":[]},"
                + "\"pre_tokenizer\":{\"type\":\"Whitespace\"},\"decoder\":" + DEC + "}"),
                "unsupported pre_tokenizer type \"Whitespace\"");
        contains(failure("{\"model\":{\"type\":\"BPE\",\"vocab\":{},\"merges\":[]},\"decoder\":" + DEC + "}"),
                "not a byte-level BPE");
    }

    @Test
    void badMergesAndVocab() throws IOException {
        String head = "{\"pre_tokenizer\":" + PRE + ",\"decoder\":" + DEC + ",\"model\":{\"type\":\"BPE\",";
        contains(failure(head + "\"vocab\":{\"a\":0,\"b\":1},\"merges\":[\"a b\"]}}"), "merge #0 \"a b\"");
        contains(failure(head + "\"vocab\":{\"a\":0},\"merges\":[\"a\"]}}"), "not a pair");
        contains(failure(head + "\"vocab\":{\"a\":\"x\"},\"merges\":[]}}"), "vocab entry \"a\"");
        contains(failure(head + "\"merges\":[]}}"), "\"model.vocab\" must be a JSON object");
    }

    @Test
    void badRegexAndConfig() throws IOException {
        String model = ",\"decoder\":" + DEC + ",\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[]}}";
        contains(failure("{\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\","
                + "\"pattern\":{\"Regex\":\"[a-\"},\"behavior\":\"Isolated\"}," + PRE + "]}" + model), "regex");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"pre_tokenizer\":" + PRE + model);
        Path config = dir.resolve("tokenizer_config.json");
        Files.writeString(config, Json.write(Map.of("bos_token", "<s>")));
        TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir.resolve("tokenizer.json")));
        assertTrue(e.getMessage().startsWith(config.toString()) && e.getMessage().contains("\"<s>\""), e.getMessage());
    }
}
