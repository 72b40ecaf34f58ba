package io.jseek.generate;

import java.util.List;
import java.util.Map;

/**
 * How to pick tokens, in OpenAI/DeepSeek request terms (spec §1.3). {@code topK == 0} and {@code minP == 0} disable
 * those filters; {@code seed == null} seeds from entropy; {@code maxTokens == null} leaves the cap to the server.
 * Out-of-range values fail with an {@link IllegalArgumentException} naming the request field.
 */
public record SamplingParams(double temperature, double topP, int topK, double minP, double presencePenalty,
                             double frequencyPenalty, Long seed, Integer maxTokens, List<String> stop) {
    /** DeepSeek's documented upper bound on output tokens. */
    public static final int MAX_OUTPUT_TOKENS = 393_216;
    public static final int MAX_STOP_STRINGS = 16;
    public static final SamplingParams DEFAULTS = new SamplingParams(1, 1, 0, 0, 0, 0, null, null, List.of());

    public SamplingParams {
        check("temperature", temperature, 0, 2);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        if (topK == -1) topK = 0; // vLLM's spelling of "disabled"
        if (topK < 0) throw new IllegalArgumentException("top_k must be >= 0 (0 or -1 disables it), got " + topK);
        check("min_p", minP, 0, 1);
        check("presence_penalty", presencePenalty, -2, 2);
        check("frequency_penalty", frequencyPenalty, -2, 2);
        if (maxTokens != null && (maxTokens < 1 || maxTokens > MAX_OUTPUT_TOKENS)) {
            throw new IllegalArgumentException("max_tokens must be in [1, " + MAX_OUTPUT_TOKENS + "], got " + maxTokens);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (stop.size() > MAX_STOP_STRINGS) {
            throw new IllegalArgumentException("stop accepts at most " + MAX_STOP_STRINGS + " strings, got " + stop.size());
        }
        for (String s : stop) {
            if (s.isEmpty()) throw new IllegalArgumentException("stop strings must not be empty");
        }
    }

    private static void check(String field, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) throw new IllegalArgumentException(field + " must be in [" + lo + ", " + hi + "], got " + v);
    }

    public boolean greedy() {
        return temperature == 0;
    }

    /**
     * Reads the sampling fields of a {@code /chat/completions} body; absent or null fields take the defaults.
     * {@code max_completion_tokens} (newer OpenAI spelling) is accepted when {@code max_tokens} is absent.
     */
    public static SamplingParams fromRequest(Map<String, Object> body) {
        Object maxTokens = body.get("max_tokens") != null ? body.get("max_tokens") : body.get("max_completion_tokens");
        return new SamplingParams(
                number(body, "temperature", DEFAULTS.temperature),
                number(body, "top_p", DEFAULTS.topP),
                (int) integer(body.get("top_k"), "top_k", 0),
                number(body, "min_p", DEFAULTS.minP),
                number(body, "presence_penalty", 0),
                number(body, "frequency_penalty", 0),
                body.get("seed") == null ? null : integer(body.get("seed"), "seed", 0),
                maxTokens == null ? null : Math.clamp(integer(maxTokens, "max_tokens", 0), Integer.MIN_VALUE, Integer.MAX_VALUE),
                stops(body.get("stop")));
    }

    private static double number(Map<String, Object> body, String field, double dflt) {
        Object v = body.get(field);
        if (v == null) return dflt;
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException(field + " must be a number, got " + v);
    }

    private static long integer(Object v, String field, long dflt) {
        if (v == null) return dflt;
        if (v instanceof Long l) return l;
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) return d.longValue();
        throw new IllegalArgumentException(field + " must be an integer, got " + v);
    }

    private static List<String> stops(Object v) {
        if (v == null) return List.of();
        if (v instanceof String s) return List.of(s);
        if (v instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String)) throw new IllegalArgumentException("stop must be a string or an array of strings, got element " + o);
            }
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException("stop must be a string or an array of strings, got " + v);
    }
}
