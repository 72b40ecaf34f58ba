package io.jseek.text;

import io.jseek.json.Json;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test data under resources/tokenizers, loaded once per JVM because the V3 file is 7.8 MB. */
final class TestTokenizers {
    private TestTokenizers() {}

    private static Map<String, Object> v3Json;

    /** The parsed V3 tokenizer.json, shared: callers must copy before changing it. */
    static synchronized Map<String, Object> v3Json() {
        if (v3Json == null) v3Json = json("deepseek-v3/tokenizer.json");
        return v3Json;
    }

    private static Tokenizer v3;

    /** As {@code Tokenizer.load} of the V3 file would give, sharing the one parse of the 7.8 MB JSON. */
    static synchronized Tokenizer v3() {
        if (v3 == null) {
            v3 = Tokenizer.fromJson(v3Json(), "deepseek-v3/tokenizer.json");
            v3.readConfig(json("deepseek-v3/tokenizer_config.json"), "deepseek-v3/tokenizer_config.json");
        }
        return v3;
    }

    static Path resource(String name) {
        try {
            return Path.of(TestTokenizers.class.getResource("/tokenizers/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource tokenizers/" + name, e);
        }
    }

    static Map<String, Object> json(String name) {
        try {
            return Json.parseObject(Files.readString(resource(name)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Map<String, Object>> golden() {
        try {
            List<Map<String, Object>> cases = new ArrayList<>();
            for (String line : Files.readAllLines(resource("deepseek-v3/golden.jsonl"))) {
                if (!line.isBlank()) cases.add(Json.parseObject(line));
            }
            return cases;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int[] ints(Object jsonList) {
        return ((List<?>) jsonList).stream().mapToInt(o -> ((Long) o).intValue()).toArray();
    }
}
