package io.jseek.generate;

/**
 * Stand-in codec for checkpoints without a tokenizer.json (generated test models): printable ASCII
 * and newline map to ids 2.., every other id decodes to one printable character, so any random
 * model produces readable, re-encodable text. BOS (0) and EOS (1) decode to nothing.
 */
public final class AsciiCodec implements TextCodec {
    private static final int FIRST = 2, CHARS = 96; // '\n' + ' '..'~'

    private final int vocab;

    public AsciiCodec(int vocabSize) {
        if (vocabSize < FIRST + CHARS) throw new IllegalArgumentException("vocabulary too small for the ASCII codec");
        this.vocab = vocabSize;
    }

    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            char c = text.charAt(i);
            ids[i] = c == '\n' ? FIRST : c >= ' ' && c <= '~' ? FIRST + 1 + (c - ' ') : FIRST + 1 + ('?' - ' ');
        }
        return ids;
    }

    static String decode(int id) {
        if (id < FIRST) return "";
        int k = (id - FIRST) % CHARS;
        return k == 0 ? "\n" : String.valueOf((char) (' ' + k - 1));
    }

    @Override
    public Detokenizer detokenizer() {
        return new Detokenizer() {
            @Override
            public String next(int id) {
                if (id < 0 || id >= vocab) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary");
                return decode(id);
            }

            @Override
            public String flush() {
                return "";
            }
        };
    }
}
