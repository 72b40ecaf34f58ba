package io.jseek.text;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@link StreamDecoder}: never emits half a character, and adds up to {@link Tokenizer#decode}. */
class TokenizerStreamTest {
    @Test
    void emojiSplitAcrossTokensIsHeldUntilComplete() {
        Tokenizer t = TestTokenizers.v3();
        int[] ids = t.encode("😀");
        assertEquals(true, ids.length > 1, "the emoji should span several byte-level tokens");
        StreamDecoder d = new StreamDecoder(t);
        for (int i = 0; i < ids.length - 1; i++) assertEquals("", d.add(ids[i]));
        assertEquals("😀", d.add(ids[ids.length - 1]));
        assertEquals("", d.flush());
    }

    @Test
    void everyChunkIsWholeCharactersAndConcatenationEqualsDecode() {
        Tokenizer t = TestTokenizers.v3();
        for (Map<String, Object> c : TestTokenizers.golden()) {
            int[] ids = TestTokenizers.ints(c.get("ids"));
            for (boolean skip : new boolean[] {false, true}) {
                StreamDecoder d = new StreamDecoder(t, skip);
                StringBuilder all = new StringBuilder();
                for (int id : ids) {
                    String chunk = d.add(id);
                    if (!chunk.isEmpty()) assertFalse(Character.isHighSurrogate(chunk.charAt(chunk.length() - 1)));
                    all.append(chunk);
                }
                all.append(d.flush());
                assertEquals(t.decode(ids, skip), all.toString(), () -> "case " + c.get("id"));
            }
        }
    }

    @Test
    void chineseAndSpecialTokensStream() {
        Tokenizer t = TestTokenizers.v3();
        int[] ids = t.encode("<｜User｜>深度求索<｜end▁of▁sentence｜>");
        StreamDecoder d = new StreamDecoder(t, true);
        StringBuilder all = new StringBuilder();
        for (int id : ids) all.append(d.add(id));
        assertEquals("<｜User｜>深度求索", all.append(d.flush()).toString());
    }

    @Test
    void unfinishedCharacterIsReplacedOnFlush() {
        Tokenizer t = TestTokenizers.v3();
        int lead = t.id(String.valueOf(ByteLevel.charOf(0xE6))); // first byte of a 3-byte character
        StreamDecoder d = new StreamDecoder(t);
        assertEquals("", d.add(lead));
        assertEquals("\uFFFD", d.flush());
        assertEquals("", d.flush());
        // a lead byte followed by ASCII is malformed: released at once, like decode
        d.add(lead);
        assertEquals(t.decode(new int[] {lead, t.id("a")}), d.add(t.id("a")));
    }
}
