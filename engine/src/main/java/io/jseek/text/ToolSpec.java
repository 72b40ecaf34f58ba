package io.jseek.text;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request-level tool: the OpenAI {@code function} object ({@code name}, {@code description}, {@code parameters},
 * ...) kept verbatim and in key order, because the V4 prompt embeds it as JSON exactly as given.
 */
public record ToolSpec(String name, Map<String, Object> function) {
    public ToolSpec {
        Objects.requireNonNull(name, "name");
        function = Collections.unmodifiableMap(new LinkedHashMap<>(function));
    }
}
