package io.jseek.text;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every case of golden.jsonl (HF tokenizers 0.22.2 on the DeepSeek-V3 tokenizer.json). */
class TokenizerGoldenTest {
    @TestFactory
    Stream<DynamicTest> goldenCases() {
        Tokenizer t = TestTokenizers.v3();
        return TestTokenizers.golden().stream().map(c -> DynamicTest.dynamicTest(
                c.get("id") + " " + c.get("category"), () -> check(t, c)));
    }

    private static void check(Tokenizer t, Map<String, Object> c) {
        String text = (String) c.get("text");
        int[] expected = TestTokenizers.ints(c.get("ids"));
        int[] ids = t.encode(text);
        assertArrayEquals(expected, ids, () -> "ids of " + text);
        List<?> tokens = (List<?>) c.get("tokens");
        for (int i = 0; i < ids.length; i++) assertEquals(tokens.get(i), t.token(ids[i]));
        assertEquals(c.get("decoded"), t.decode(ids));
        assertEquals(c.get("decoded_skip_special"), t.decode(ids, true));
        if (Boolean.TRUE.equals(c.get("roundtrip"))) assertEquals(text, t.decode(ids));
    }

    @Test
    void sizesAndLookups() {
        Tokenizer t = TestTokenizers.v3();
        assertEquals(128815, t.vocabSize());
        assertEquals(0, t.bosId());
        assertEquals(1, t.eosId());
        assertEquals(true, t.addBosToken());
        assertEquals(1, t.specialId("<｜end▁of▁sentence｜>"));
        assertEquals(128803, t.specialId("<｜User｜>"));
        assertEquals(-1, t.specialId("<think>"));
        assertEquals(2058, t.id("Ġworld"));
        assertEquals(-1, t.id("no such token"));
        assertEquals(true, t.isSpecial(1));
        assertEquals(false, t.isSpecial(128803));
        assertEquals(null, t.token(-1));
    }

    @Test
    void ordinaryEncodingIgnoresAddedTokens() {
        Tokenizer t = TestTokenizers.v3();
        int[] ids = t.encodeOrdinary("<｜User｜>hi");
        assertEquals("<｜User｜>hi", t.decode(ids));
        for (int id : ids) assertEquals(true, id < 128000, "no added token expected, got " + id);
    }
}
