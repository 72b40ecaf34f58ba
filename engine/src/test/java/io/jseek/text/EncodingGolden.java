package io.jseek.text;

import io.jseek.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Loads the JSON-lines cases in src/test/resources/encoding (see PROVENANCE.md there). */
final class EncodingGolden {
    private EncodingGolden() {
    }

    static List<Map<String, Object>> load(String file) {
        try {
            return Files.readAllLines(Path.of("src/test/resources/encoding", file)).stream()
                    .filter(l -> !l.isBlank())
                    .map(Json::parseObject)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
