package io.jseek.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Typed reads of parsed request JSON (with 400s naming the field) and ordered, null-friendly objects. */
final class Js {
    private Js() {
    }

    /** An insertion-ordered map from alternating keys and values; values may be null. */
    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static String string(Map<String, Object> m, String key, String dflt) {
        Object v = m.get(key);
        if (v == null) return dflt;
        if (v instanceof String s) return s;
        throw ApiException.invalid("'" + key + "' must be a string");
    }

    static boolean bool(Map<String, Object> m, String key, boolean dflt) {
        Object v = m.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw ApiException.invalid("'" + key + "' must be a boolean");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) return null;
        if (v instanceof Map<?, ?> o) return (Map<String, Object>) o;
        throw ApiException.invalid("'" + key + "' must be an object");
    }

    static List<?> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) return null;
        if (v instanceof List<?> l) return l;
        throw ApiException.invalid("'" + key + "' must be an array");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asObject(Object v, String what) {
        if (v instanceof Map<?, ?> o) return (Map<String, Object>) o;
        throw ApiException.invalid(what + " must be an object");
    }
}
