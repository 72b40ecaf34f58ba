package io.jseek.text;

import java.util.List;
import java.util.Map;

/** Typed access to parsed tokenizer.json values; a wrong shape is a one-line {@link TokenizerException}. */
final class Fields {
    private Fields() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String what, String where) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new TokenizerException(where + ": \"" + what + "\" must be a JSON object");
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> m, String key, String where) {
        if (m.get(key) instanceof List<?> l) return (List<Object>) l;
        throw new TokenizerException(where + ": \"" + key + "\" must be a JSON array");
    }

    static String string(Map<String, Object> m, String key, String where) {
        if (m.get(key) instanceof String s) return s;
        throw new TokenizerException(where + ": \"" + key + "\" must be a string");
    }

    static int id(Object v, String what, String where) {
        if (v instanceof Long l && l >= 0 && l < Integer.MAX_VALUE) return l.intValue();
        throw new TokenizerException(where + ": " + what + " must be a non-negative integer id, found " + v);
    }

    static boolean flag(Map<String, Object> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }
}
