package io.jseek.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code pre_tokenizer} of a tokenizer.json: a Sequence of Split (regex) steps and a ByteLevel step,
 * each applied to every piece the previous step produced, as HF tokenizers does.
 * Regexes are written for Oniguruma; {@link #compile} adapts them to java.util.regex.
 */
final class PreTokenizer {
    /** HF ByteLevel's own split regex (GPT-2), used when ByteLevel has use_regex=true. */
    private static final String GPT2_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private enum Behavior { ISOLATED, REMOVED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS }

    /** One step: a regex split, or ByteLevel's optional prefix space. */
    private record Step(Pattern pattern, Behavior behavior, boolean invert, boolean prefixSpace) {}

    private final List<Step> steps;
    private final boolean byteLevel;

    private PreTokenizer(List<Step> steps, boolean byteLevel) {
        this.steps = steps;
        this.byteLevel = byteLevel;
    }

    /** Builds from the JSON value of "pre_tokenizer"; {@code where} names the file for errors. */
    static PreTokenizer fromJson(Object json, String where) {
        List<Step> steps = new ArrayList<>();
        boolean byteLevel = add(json, steps, where);
        return new PreTokenizer(List.copyOf(steps), byteLevel);
    }

    /** Whether a ByteLevel step is present, i.e. BPE sees the bytes of each piece. */
    boolean byteLevel() {
        return byteLevel;
    }

    private static boolean add(Object json, List<Step> steps, String where) {
        if (json == null) return false;
        Map<String, Object> m = Fields.object(json, "pre_tokenizer", where);
        String type = Fields.string(m, "type", where);
        switch (type) {
            case "Sequence" -> {
                boolean byteLevel = false;
                for (Object p : Fields.list(m, "pretokenizers", where)) byteLevel |= add(p, steps, where);
                return byteLevel;
            }
            case "Split" -> {
                Map<String, Object> pat = Fields.object(m.get("pattern"), "Split.pattern", where);
                Pattern p;
                if (pat.get("Regex") instanceof String r) p = compile(r, where);
                else if (pat.get("String") instanceof String s) p = Pattern.compile(Pattern.quote(s));
                else throw new TokenizerException(where + ": Split.pattern needs \"Regex\" or \"String\"");
                steps.add(new Step(p, behavior(m.get("behavior"), where), Boolean.TRUE.equals(m.get("invert")), false));
                return false;
            }
            case "ByteLevel" -> {
                boolean prefix = Boolean.TRUE.equals(m.get("add_prefix_space"));
                Pattern p = Boolean.FALSE.equals(m.get("use_regex")) ? null : compile(GPT2_REGEX, where);
                steps.add(new Step(p, Behavior.ISOLATED, false, prefix));
                return true;
            }
            default -> throw new TokenizerException(where + ": unsupported pre_tokenizer type \"" + type + "\"");
        }
    }

    private static Behavior behavior(Object b, String where) {
        return switch (String.valueOf(b)) {
            case "Isolated" -> Behavior.ISOLATED;
            case "Removed" -> Behavior.REMOVED;
            case "MergedWithPrevious" -> Behavior.MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> Behavior.MERGED_WITH_NEXT;
            case "Contiguous" -> Behavior.CONTIGUOUS;
            default -> throw new TokenizerException(where + ": unsupported Split behavior \"" + b + "\"");
        };
    }

    /**
     * Compiles an Oniguruma regex for Java. UNICODE_CHARACTER_CLASS makes \s, \d, \w Unicode-aware as in
     * Oniguruma (so U+00A0 and U+3000 are \s). Oniguruma accepts bare script/property names such as
     * \p{Han}; Java needs \p{IsHan}, and \p{^X} is Java's \P{X}.
     */
    static Pattern compile(String regex, String where) {
        StringBuilder b = new StringBuilder(regex.length() + 16);
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c != '\\' || i + 1 >= regex.length()) { b.append(c); continue; }
            char n = regex.charAt(i + 1);
            int close = regex.indexOf('}', i);
            if ((n == 'p' || n == 'P') && i + 2 < regex.length() && regex.charAt(i + 2) == '{' && close > 0) {
                String name = regex.substring(i + 3, close);
                boolean negate = n == 'P';
                if (name.startsWith("^")) { negate = !negate; name = name.substring(1); }
                b.append(negate ? "\\P{" : "\\p{").append(javaPropertyName(name)).append('}');
                i = close;
            } else {
                b.append(c).append(n);
                i++;
            }
        }
        try {
            return Pattern.compile(b.toString(), Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw new TokenizerException(where + ": pre_tokenizer regex not supported: " + e.getDescription()
                    + " in " + regex);
        }
    }

    private static String javaPropertyName(String name) {
        if (name.equals("L&")) return "LC";
        for (String candidate : new String[] {name, "Is" + name}) {
            try {
                Pattern.compile("\\p{" + candidate + "}");
                return candidate;
            } catch (PatternSyntaxException e) {
                // try the next spelling
            }
        }
        return name; // let the full compile report it
    }

    /** Splits {@code text} into the pieces BPE encodes one by one. */
    List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        if (!text.isEmpty()) pieces.add(text);
        for (Step step : steps) {
            List<String> next = new ArrayList<>(pieces.size() * 2);
            for (String piece : pieces) apply(step, piece, next);
            pieces = next;
        }
        return pieces;
    }

    private static void apply(Step step, String piece, List<String> out) {
        if (step.prefixSpace && !piece.startsWith(" ")) piece = " " + piece;
        if (step.pattern == null) { out.add(piece); return; }
        Matcher m = step.pattern.matcher(piece);
        if (step.behavior == Behavior.ISOLATED) { // the common case: matches and gaps alike become pieces
            int prev = 0;
            while (m.find()) {
                if (m.start() == m.end()) continue;
                if (prev != m.start()) out.add(piece.substring(prev, m.start()));
                out.add(piece.substring(m.start(), m.end()));
                prev = m.end();
            }
            if (prev != piece.length()) out.add(piece.substring(prev));
            return;
        }
        // {start, end, 1 if it is a match (after invert)} for each region
        List<int[]> ranges = new ArrayList<>();
        int prev = 0;
        while (m.find()) {
            if (m.start() == m.end()) continue;
            if (prev != m.start()) ranges.add(new int[] {prev, m.start(), step.invert ? 1 : 0});
            ranges.add(new int[] {m.start(), m.end(), step.invert ? 0 : 1});
            prev = m.end();
        }
        if (prev != piece.length()) ranges.add(new int[] {prev, piece.length(), step.invert ? 1 : 0});
        switch (step.behavior) {
            case ISOLATED -> throw new AssertionError("handled above");
            case REMOVED -> { for (int[] r : ranges) if (r[2] == 0) out.add(piece.substring(r[0], r[1])); }
            case CONTIGUOUS -> {
                for (int k = 0; k < ranges.size(); ) {
                    int j = k;
                    while (j + 1 < ranges.size() && ranges.get(j + 1)[2] == ranges.get(k)[2]) j++;
                    out.add(piece.substring(ranges.get(k)[0], ranges.get(j)[1]));
                    k = j + 1;
                }
            }
            // a match joins its neighbour only if that neighbour is not itself a match (HF's rule)
            case MERGED_WITH_PREVIOUS -> {
                List<int[]> acc = new ArrayList<>();
                boolean prevMatch = false;
                for (int[] r : ranges) {
                    if (r[2] == 1 && !prevMatch && !acc.isEmpty()) acc.getLast()[1] = r[1];
                    else acc.add(new int[] {r[0], r[1]});
                    prevMatch = r[2] == 1;
                }
                for (int[] r : acc) out.add(piece.substring(r[0], r[1]));
            }
            case MERGED_WITH_NEXT -> {
                List<int[]> acc = new ArrayList<>();
                boolean nextMatch = false;
                for (int[] r : ranges.reversed()) {
                    if (r[2] == 1 && !nextMatch && !acc.isEmpty()) acc.getLast()[0] = r[0];
                    else acc.add(new int[] {r[0], r[1]});
                    nextMatch = r[2] == 1;
                }
                for (int[] r : acc.reversed()) out.add(piece.substring(r[0], r[1]));
            }
        }
    }
}
