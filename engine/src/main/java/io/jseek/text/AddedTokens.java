package io.jseek.text;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Added tokens (specials such as "<｜User｜>") are cut out of the raw text before pre-tokenization.
 * Like HF, tokens with normalized=false are matched first and tokens with normalized=true then in the
 * remaining gaps (there is no normalizer, so both see the raw text); each pass is leftmost-longest.
 */
final class AddedTokens {
    /** One entry of "added_tokens". */
    record Token(int id, String content, boolean special, boolean normalized,
                 boolean lstrip, boolean rstrip, boolean singleWord) {}

    /** Receives the text in order: gaps for BPE and matched token ids. */
    interface Sink {
        void text(String gap);

        void token(int id);
    }

    private final Trie raw = new Trie(), normalized = new Trie();

    AddedTokens(List<Token> tokens) {
        for (Token t : tokens) {
            if (!t.content().isEmpty()) (t.normalized() ? normalized : raw).add(t);
        }
    }

    void split(String text, Sink sink) {
        raw.split(text, new Sink() {
            @Override public void text(String gap) { normalized.split(gap, sink); }
            @Override public void token(int id) { sink.token(id); }
        });
    }

    /** A character trie; {@code first} rejects most positions with one bit test. */
    private static final class Trie {
        private final Node root = new Node();
        private final BitSet first = new BitSet(1 << 16);
        private boolean empty = true;

        private static final class Node {
            final Map<Character, Node> next = new HashMap<>(4);
            Token token;
        }

        void add(Token t) {
            Node n = root;
            for (int i = 0; i < t.content().length(); i++) n = n.next.computeIfAbsent(t.content().charAt(i), c -> new Node());
            n.token = t;
            first.set(t.content().charAt(0));
            empty = false;
        }

        void split(String text, Sink sink) {
            if (empty) { if (!text.isEmpty()) sink.text(text); return; }
            int emitted = 0; // text before this was already sent
            int p = 0;
            while (p < text.length()) {
                if (!first.get(text.charAt(p))) { p++; continue; }
                Token best = null;
                int end = p;
                Node n = root;
                for (int i = p; i < text.length() && (n = n.next.get(text.charAt(i))) != null; i++) {
                    if (n.token != null) { best = n.token; end = i + 1; }
                }
                if (best == null) { p++; continue; }
                if (best.singleWord() && (isWordChar(text, p - 1) || isWordChar(text, end))) { p = end; continue; }
                int start = p;
                if (best.lstrip()) while (start > emitted && isWhitespace(text.charAt(start - 1))) start--;
                if (best.rstrip()) while (end < text.length() && isWhitespace(text.charAt(end))) end++;
                if (start > emitted) sink.text(text.substring(emitted, start));
                sink.token(best.id());
                emitted = p = end;
            }
            if (emitted < text.length()) sink.text(text.substring(emitted));
        }

        /** Rust's char::is_whitespace (the Unicode White_Space property), which HF uses for lstrip/rstrip. */
        private static boolean isWhitespace(char c) {
            return (c >= '\t' && c <= '\r') || c == '\u0085' || Character.isSpaceChar(c);
        }

        private static boolean isWordChar(String s, int i) {
            if (i < 0 || i >= s.length()) return false;
            char c = s.charAt(i);
            return Character.isLetterOrDigit(c) || c == '_';
        }
    }
}
