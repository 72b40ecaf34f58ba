package io.jseek.generate;

/** Text ↔ token ids as the generation layer needs it: whole-prompt encoding and incremental decoding. */
public interface TextCodec {
    int[] encode(String text);

    /** A fresh incremental decoder for one reply. */
    Detokenizer detokenizer();

    /** Turns ids into text as they arrive; text is emitted only once complete (e.g. whole UTF-8 sequences). */
    interface Detokenizer {
        String next(int id);

        String flush();
    }
}
