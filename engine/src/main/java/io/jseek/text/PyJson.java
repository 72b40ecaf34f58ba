package io.jseek.text;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON text as Python's {@code json.dumps(v, ensure_ascii=False)} writes it, because the V4 prompt embeds JSON
 * that way: {@code ", "} and {@code ": "} separators, non-ASCII kept, floats in Python {@code repr} form.
 */
final class PyJson {
    private PyJson() {
    }

    static String dumps(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    static void write(StringBuilder b, Object v) {
        switch (v) {
            case null -> b.append("null");
            case String s -> quote(b, s);
            case Boolean bool -> b.append(bool ? "true" : "false");
            case Double d -> b.append(pyFloat(d));
            case Float f -> b.append(pyFloat(f.doubleValue()));
            case Number n -> b.append(n);
            case Map<?, ?> m -> {
                b.append('{');
                Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<?, ?> e = it.next();
                    quote(b, String.valueOf(e.getKey()));
                    b.append(": ");
                    write(b, e.getValue());
                    if (it.hasNext()) b.append(", ");
                }
                b.append('}');
            }
            case List<?> list -> {
                b.append('[');
                for (int k = 0; k < list.size(); k++) {
                    if (k > 0) b.append(", ");
                    write(b, list.get(k));
                }
                b.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
    }

    /** Python escapes exactly as {@code Json.quote} does: the short escapes, other controls as {@code \\u00XX}. */
    static void quote(StringBuilder b, String s) {
        io.jseek.json.Json.quote(b, s);
    }

    /** Python float repr: shortest round-trip digits, exponent form outside 1e-4 <= |x| < 1e16. */
    static String pyFloat(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        // Double.toString gives the shortest round-trip digits (JDK 19+), as Python's repr does
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale(); // value = d.ddd x 10^exp
        StringBuilder b = new StringBuilder(d < 0 ? "-" : "");
        if (exp < -4 || exp >= 16) {
            b.append(digits.charAt(0));
            if (digits.length() > 1) b.append('.').append(digits, 1, digits.length());
            b.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) b.append('0');
            b.append(a);
        } else if (exp < 0) {
            b.append("0.").append("0".repeat(-exp - 1)).append(digits);
        } else if (digits.length() <= exp + 1) {
            b.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
        } else {
            b.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
        }
        return b.toString();
    }
}
