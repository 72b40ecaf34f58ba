package io.jseek.text;

import io.jseek.json.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pre-tokenizer options DeepSeek does not use, and added-token flags, on HF's documented examples. */
class TokenizerPreTokenizerTest {
    private static List<String> split(String behavior, String text) {
        String json = "{\"type\":\"Split\",\"pattern\":{\"String\":\"-\"},\"behavior\":\"" + behavior + "\",\"invert\":false}";
        return PreTokenizer.fromJson(Json.parse(json), "test").split(text);
    }

    @Test
    void splitBehaviors() {
        // the example of HF's SplitDelimiterBehavior documentation
        String text = "the-final--countdown";
        assertEquals(List.of("the", "-", "final", "-", "-", "countdown"), split("Isolated", text));
        assertEquals(List.of("the", "final", "countdown"), split("Removed", text));
        assertEquals(List.of("the-", "final-", "-", "countdown"), split("MergedWithPrevious", text));
        assertEquals(List.of("the", "-final", "-", "-countdown"), split("MergedWithNext", text));
        assertEquals(List.of("the", "-", "final", "--", "countdown"), split("Contiguous", text));
    }

    @Test
    void gpt2ByteLevelRegexAndOnigurumaPropertyNames() {
        PreTokenizer gpt2 = PreTokenizer.fromJson(Json.parse(
                "{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"use_regex\":true}"), "test");
        assertEquals(List.of(" Hello", ",", " I", "'m", " 42", "  ", " ok"), gpt2.split("Hello, I'm 42   ok"));
        // Oniguruma's bare script name \p{Han} is Java's \p{IsHan}
        PreTokenizer han = PreTokenizer.fromJson(Json.parse(
                "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\p{Han}+\"},\"behavior\":\"Isolated\"}"), "test");
        assertEquals(List.of("ab", "漢字", "cd"), han.split("ab漢字cd"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void addedTokenStripFlags() {
        Map<String, Object> root = TinyTokenizer.build(TinyTokenizer.minVocabSize() + 10);
        List<Object> added = new ArrayList<>((List<Object>) root.get("added_tokens"));
        Map<String, Object> mask = new LinkedHashMap<>((Map<String, Object>) added.getLast());
        int id = ((Long) mask.get("id")).intValue() + 1;
        mask.putAll(Map.of("id", (long) id, "content", "<mask>", "lstrip", true, "rstrip", true));
        added.add(mask);
        root.put("added_tokens", added);
        Tokenizer t = Tokenizer.fromJson(root, "test");
        int[] ids = t.encode("a  <mask> \u00A0b");
        assertArrayEquals(new int[] {t.id("a"), id, t.id("b")}, ids);
    }
}
