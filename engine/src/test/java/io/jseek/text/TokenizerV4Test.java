package io.jseek.text;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * No genuine V4 tokenizer.json is available (resources/tokenizers/PROVENANCE.md), so this builds one:
 * the V3 file plus the confirmed V4 added tokens, with V4's tokenizer_config.json.
 */
class TokenizerV4Test {
    static Tokenizer v4;
    static Map<String, Object> known;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void build() {
        known = TestTokenizers.json("deepseek-v4/known-special-tokens.json");
        Map<String, Object> root = new LinkedHashMap<>(TestTokenizers.v3Json());
        List<Object> added = new ArrayList<>((List<Object>) root.get("added_tokens"));
        for (var e : ((Map<String, Object>) known.get("confirmed_v4")).entrySet()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", e.getValue());
            t.put("content", e.getKey());
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", true);
            t.put("special", false); // V4's flags are unknown (api-spec §4); matching does not depend on them
            added.add(t);
        }
        root.put("added_tokens", added);
        // in memory: writing and re-reading 7.8 MB would only re-test load(), covered elsewhere
        v4 = Tokenizer.fromJson(root, "v3+v4 added tokens");
        v4.readConfig(TestTokenizers.json("deepseek-v4/tokenizer_config.json"), "deepseek-v4/tokenizer_config.json");
    }

    @Test
    @SuppressWarnings("unchecked")
    void referenceEncodings() {
        for (Object o : (List<Object>) known.get("v4_expected_encodings")) {
            Map<String, Object> c = (Map<String, Object>) o;
            String text = (String) c.get("text");
            assertArrayEquals(TestTokenizers.ints(c.get("ids")), v4.encode(text), text);
            assertEquals(text, v4.decode(v4.encode(text)));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void specialIdsAreFoundByContent() {
        for (String group : List.of("shared_with_v3", "confirmed_v4")) {
            for (var e : ((Map<String, Object>) known.get(group)).entrySet()) {
                int id = ((Long) e.getValue()).intValue();
                assertEquals(id, v4.specialId(e.getKey()), e.getKey());
                assertArrayEquals(new int[] {id}, v4.encode(e.getKey()), e.getKey());
            }
        }
        assertEquals(129280, v4.vocabSize());
        assertEquals(-1, v4.specialId("<dsml:"));
    }

    @Test
    void dsmlTagsAreSeveralTokensAroundTheMarker() {
        int dsml = v4.specialId("｜DSML｜");
        int[] ids = v4.encode("<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">");
        assertEquals(v4.id("<"), ids[0]);
        assertEquals(dsml, ids[1]);
        assertEquals("<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">", v4.decode(ids));
        // a marker inside a longer word is still cut out before BPE
        assertArrayEquals(new int[] {v4.specialId("<think>")}, v4.encode("<think>"));
        assertEquals(v4.specialId("</think>"), v4.encode("x</think>y")[1]);
    }

    @Test
    void configOfV4() {
        assertEquals(0, v4.bosId());
        assertEquals(1, v4.eosId());
        assertFalse(v4.addBosToken());
    }
}
