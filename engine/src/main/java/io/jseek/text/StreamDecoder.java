package io.jseek.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental detokenizer for generation: byte-level tokens can end inside a UTF-8 character (an emoji
 * is often 3-4 tokens), so bytes of an unfinished character are held back until it completes.
 * The concatenated output equals {@link Tokenizer#decode} of all ids. Not thread-safe: one per sequence.
 */
public final class StreamDecoder {
    private final Tokenizer tokenizer;
    private final boolean skipSpecial;
    private byte[] pending = new byte[16];
    private int size;

    public StreamDecoder(Tokenizer tokenizer) {
        this(tokenizer, false);
    }

    /** @param skipSpecial leave out tokens flagged special (BOS, EOS, pad), as {@code decode(ids, true)} */
    public StreamDecoder(Tokenizer tokenizer, boolean skipSpecial) {
        this.tokenizer = tokenizer;
        this.skipSpecial = skipSpecial;
    }

    /** Adds one token; returns the text that became complete ("" if none yet). */
    public String add(int id) {
        byte[] b = tokenizer.bytes(id, skipSpecial);
        if (b == null || b.length == 0) return "";
        if (size + b.length > pending.length) pending = Arrays.copyOf(pending, Math.max(pending.length * 2, size + b.length));
        System.arraycopy(b, 0, pending, size, b.length);
        size += b.length;
        return take(completeLength());
    }

    /** Returns whatever is held back (an unfinished character becomes U+FFFD) and resets. */
    public String flush() {
        return take(size);
    }

    /** How many leading bytes end on a character boundary: all but an unfinished final sequence. */
    private int completeLength() {
        int i = size - 1;
        while (i >= 0 && size - i < 4 && (pending[i] & 0xC0) == 0x80) i--; // back over continuation bytes
        if (i < 0) return size;
        int lead = pending[i] & 0xFF;
        int need = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 1;
        return size - i < need ? i : size; // a malformed tail is released at once (as U+FFFD)
    }

    private String take(int n) {
        if (n == 0) return "";
        String s = new String(pending, 0, n, StandardCharsets.UTF_8);
        System.arraycopy(pending, n, pending, 0, size - n);
        size -= n;
        return s;
    }
}
