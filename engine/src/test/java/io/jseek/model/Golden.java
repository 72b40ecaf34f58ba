package io.jseek.model;

import io.jseek.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reads a {@code dsv4-golden-v1} reference file (see src/test/resources/golden/README.md). */
final class Golden {
    static final Path DIR = Path.of("src/test/resources/golden");

    final Map<String, Object> root;
    final int[] tokens;

    Golden(String name) {
        try {
            root = Json.parseObject(Files.readString(DIR.resolve(name + ".golden.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tokens = ints(root.get("tokens"));
    }

    static Path checkpoint(String name) {
        return DIR.resolve(name);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(String key) {
        return (Map<String, Object>) root.get(key);
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> layers() {
        return (List<Map<String, Object>>) root.get("layers");
    }

    static double[][] matrix(Object o) {
        List<?> rows = (List<?>) o;
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) m[i] = doubles(rows.get(i));
        return m;
    }

    static double[] doubles(Object o) {
        List<?> l = (List<?>) o;
        double[] v = new double[l.size()];
        for (int i = 0; i < v.length; i++) v[i] = ((Number) l.get(i)).doubleValue();
        return v;
    }

    static int[] ints(Object o) {
        List<?> l = (List<?>) o;
        int[] v = new int[l.size()];
        for (int i = 0; i < v.length; i++) v[i] = ((Number) l.get(i)).intValue();
        return v;
    }

    /** max |a[t][v] − b[t·V + v]| over all rows. */
    static double maxDiff(double[][] ref, float[] got) {
        int V = ref[0].length;
        double m = 0;
        for (int t = 0; t < ref.length; t++) for (int v = 0; v < V; v++) m = Math.max(m, Math.abs(ref[t][v] - got[t * V + v]));
        return m;
    }
}
