package io.jseek.text;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TinyTokenizer} writes files our own loader reads back, with DeepSeek's specials and pre-tokenizer. */
class TokenizerTinyTest {
    static final int VOCAB = 1024;

    @TempDir
    static Path dir;
    static Tokenizer tiny;

    @BeforeAll
    static void write() {
        TinyTokenizer.write(dir.resolve("tokenizer.json"), VOCAB);
        tiny = Tokenizer.load(dir.resolve("tokenizer.json"));
    }

    @Test
    void roundTripsAnyText() {
        assertEquals(VOCAB, tiny.vocabSize());
        for (Map<String, Object> c : TestTokenizers.golden()) {
            String text = (String) c.get("text");
            int[] ids = tiny.encode(text);
            for (int id : ids) assertTrue(id >= 0 && id < VOCAB);
            assertEquals(text, tiny.decode(ids), () -> "case " + c.get("id"));
        }
    }

    @Test
    void mergesCompressCommonText() {
        String text = "The assistant calls a tool and returns the weather.";
        int[] ids = tiny.encode(text);
        assertTrue(ids.length < text.length() / 2, "only " + ids.length + " tokens expected to be few");
    }

    @Test
    void specialTokensSitAtTheTopAndAreMatchedBeforeBpe() {
        List<String> specials = List.of("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>",
                "<｜Assistant｜>", "<think>", "</think>", "｜DSML｜");
        for (int k = 0; k < specials.size(); k++) {
            int id = VOCAB - specials.size() + k;
            assertEquals(id, tiny.specialId(specials.get(k)));
            assertArrayEquals(new int[] {id}, tiny.encode(specials.get(k)));
        }
        int[] ids = tiny.encode("<｜User｜>hi<｜Assistant｜><think>ok</think>yes<｜end▁of▁sentence｜>");
        assertEquals(tiny.specialId("<｜User｜>"), ids[0]);
        assertEquals(tiny.eosId(), ids[ids.length - 1]);
        assertEquals("<｜User｜>hi<｜Assistant｜><think>ok</think>yes", tiny.decode(ids, true));
        assertEquals(tiny.specialId("<｜begin▁of▁sentence｜>"), tiny.bosId());
    }

    @Test
    void preTokenizerIsDeepSeeks() {
        Object v3 = TestTokenizers.v3Json().get("pre_tokenizer");
        assertEquals(v3, TinyTokenizer.build(VOCAB).get("pre_tokenizer"));
    }

    @Test
    void outputIsDeterministic(@TempDir Path other) throws IOException {
        TinyTokenizer.write(other.resolve("tokenizer.json"), VOCAB);
        assertEquals(Files.readString(dir.resolve("tokenizer.json")), Files.readString(other.resolve("tokenizer.json")));
        assertEquals(Files.readString(dir.resolve("tokenizer_config.json")),
                Files.readString(other.resolve("tokenizer_config.json")));
    }

    @Test
    void smallestAndLargeVocabularies(@TempDir Path other) {
        int min = TinyTokenizer.minVocabSize();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TinyTokenizer.build(min - 1));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
        TinyTokenizer.write(other.resolve("tokenizer.json"), min);
        assertEquals(min, Tokenizer.load(other.resolve("tokenizer.json")).vocabSize());
        // more ids than the sample has merges for: the gap is filled with placeholder tokens
        Tokenizer big = Tokenizer.fromJson(TinyTokenizer.build(8192), "big");
        assertEquals(8192, big.vocabSize());
        assertEquals("héllo wörld 123", big.decode(big.encode("héllo wörld 123")));
    }
}
