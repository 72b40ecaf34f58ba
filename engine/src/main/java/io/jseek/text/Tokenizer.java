package io.jseek.text;

import io.jseek.json.Json;
import io.jseek.json.JsonException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A byte-level BPE tokenizer read from a Hugging Face tokenizer.json (DeepSeek V3/V4 and GPT-2 style),
 * encoding exactly as HF {@code tokenizers} with add_special_tokens=false (api-spec §4):
 * added tokens are cut out of the raw text first, the rest is pre-tokenized by the file's regexes and
 * each piece is BPE-merged over its UTF-8 bytes. Immutable and thread-safe.
 */
public final class Tokenizer {
    private final String[] tokens;      // id -> token string (byte-level form for BPE tokens), null for holes
    private final byte[][] tokenBytes;  // id -> the bytes the token decodes to
    private final boolean[] special;    // id -> "special" flag of an added token (skipped by skipSpecial)
    private final Map<String, Integer> ids;
    private final Map<String, Integer> addedIds;
    private final AddedTokens added;
    private final PreTokenizer preTokenizer;
    private final Bpe bpe;
    private int bos = -1, eos = -1;
    private boolean addBos;

    private Tokenizer(String[] tokens, boolean[] special, Map<String, Integer> ids, Map<String, Integer> addedIds,
                      AddedTokens added, PreTokenizer preTokenizer, Bpe bpe) {
        this.tokens = tokens;
        this.special = special;
        this.ids = ids;
        this.addedIds = addedIds;
        this.added = added;
        this.preTokenizer = preTokenizer;
        this.bpe = bpe;
        this.tokenBytes = new byte[tokens.length][];
        for (int i = 0; i < tokens.length; i++) tokenBytes[i] = tokens[i] == null ? null : ByteLevel.decode(tokens[i]);
    }

    /**
     * Loads a tokenizer.json; bos/eos come from a tokenizer_config.json next to it, if there is one.
     * @throws TokenizerException naming the file and the problem
     */
    public static Tokenizer load(Path file) {
        Tokenizer t = fromJson(readJson(file), file.toString());
        Path config = file.resolveSibling("tokenizer_config.json");
        if (Files.isRegularFile(config)) t.readConfig(readJson(config), config.toString());
        return t;
    }

    static Map<String, Object> readJson(Path file) {
        if (!Files.isRegularFile(file)) throw new TokenizerException(file + ": file not found");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new TokenizerException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return Json.parseObject(text);
        } catch (JsonException e) {
            throw new TokenizerException(file + ": malformed JSON: " + e.getMessage(), e);
        }
    }

    /** Builds from a parsed tokenizer.json; {@code source} names it in error messages. */
    public static Tokenizer fromJson(Map<String, Object> root, String source) {
        checkNormalizer(root.get("normalizer"), source);
        Map<String, Object> model = Fields.object(root.get("model"), "model", source);
        Object type = model.get("type");
        if (type == null && !model.containsKey("merges")) type = "unknown";
        if (type != null && !"BPE".equals(type))
            throw new TokenizerException(source + ": unsupported model type \"" + type + "\" (only BPE is supported)");
        for (String key : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (model.get(key) != null && !"".equals(model.get(key)))
                throw new TokenizerException(source + ": BPE option \"" + key + "\" is not supported");
        }
        if (model.get("dropout") instanceof Number d && d.doubleValue() > 0)
            throw new TokenizerException(source + ": BPE dropout is not supported");
        PreTokenizer pre = PreTokenizer.fromJson(root.get("pre_tokenizer"), source);
        if (!pre.byteLevel())
            throw new TokenizerException(source + ": not a byte-level BPE tokenizer (no ByteLevel pre_tokenizer)");
        checkDecoder(root.get("decoder"), source);

        Map<String, Object> vocab = Fields.object(model.get("vocab"), "model.vocab", source);
        Map<String, Integer> ids = new HashMap<>(vocab.size() * 2);
        int size = 0;
        for (var e : vocab.entrySet()) {
            int id = e.getValue() instanceof Long l && l >= 0 && l < Integer.MAX_VALUE ? l.intValue()
                    : Fields.id(e.getValue(), "vocab entry \"" + e.getKey() + "\"", source); // message built only on error
            ids.put(e.getKey(), id);
            size = Math.max(size, id + 1);
        }
        MergeTable merges = merges(model, ids, source); // before added tokens join ids: merges are model-only
        int[] byteToId = new int[256];
        for (int b = 0; b < 256; b++) byteToId[b] = ids.getOrDefault(String.valueOf(ByteLevel.charOf(b)), -1);

        List<AddedTokens.Token> addedList = new ArrayList<>();
        Object addedJson = root.get("added_tokens");
        if (addedJson != null) {
            if (!(addedJson instanceof List<?> l)) throw new TokenizerException(source + ": \"added_tokens\" must be a JSON array");
            for (Object o : l) {
                Map<String, Object> a = Fields.object(o, "added_tokens[]", source);
                String content = Fields.string(a, "content", source);
                addedList.add(new AddedTokens.Token(Fields.id(a.get("id"), "added token \"" + content + "\" id", source),
                        content, Fields.flag(a, "special"), Fields.flag(a, "normalized"),
                        Fields.flag(a, "lstrip"), Fields.flag(a, "rstrip"), Fields.flag(a, "single_word")));
            }
        }
        for (AddedTokens.Token a : addedList) size = Math.max(size, a.id() + 1);
        String[] tokens = new String[size];
        ids.forEach((tok, id) -> tokens[id] = tok);
        boolean[] special = new boolean[size];
        Map<String, Integer> addedIds = new HashMap<>();
        for (AddedTokens.Token a : addedList) {
            tokens[a.id()] = a.content();
            special[a.id()] = a.special();
            ids.put(a.content(), a.id());
            addedIds.put(a.content(), a.id());
        }
        return new Tokenizer(tokens, special, ids, addedIds, new AddedTokens(addedList), pre, new Bpe(byteToId, merges));
    }

    private static MergeTable merges(Map<String, Object> model, Map<String, Integer> ids, String source) {
        List<Object> list = Fields.list(model, "merges", source);
        MergeTable table = new MergeTable(list.size());
        for (int rank = 0; rank < list.size(); rank++) {
            Object m = list.get(rank);
            String left, right;
            if (m instanceof String s && s.indexOf(' ') > 0 && s.indexOf(' ') == s.lastIndexOf(' ')) {
                left = s.substring(0, s.indexOf(' '));
                right = s.substring(s.indexOf(' ') + 1);
            } else if (m instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String a
                    && pair.get(1) instanceof String b) {
                left = a;
                right = b;
            } else {
                throw new TokenizerException(source + ": merge #" + rank + " is not a pair of tokens: " + m);
            }
            Integer l = ids.get(left), r = ids.get(right), merged = ids.get(left + right);
            if (l == null || r == null || merged == null)
                throw new TokenizerException(source + ": merge #" + rank + " \"" + left + " " + right
                        + "\" uses a token that is not in the vocab");
            table.put(l, r, rank, merged);
        }
        return table;
    }

    private static void checkNormalizer(Object n, String source) {
        if (n == null) return;
        Map<String, Object> m = Fields.object(n, "normalizer", source);
        if ("Sequence".equals(m.get("type")) && m.get("normalizers") instanceof List<?> l && l.isEmpty()) return;
        throw new TokenizerException(source + ": unsupported normalizer " + Json.write(m));
    }

    private static void checkDecoder(Object d, String source) {
        if (d instanceof Map<?, ?> m && "ByteLevel".equals(m.get("type"))) return;
        throw new TokenizerException(source + ": unsupported decoder (expected ByteLevel)");
    }

    /** Applies a parsed tokenizer_config.json; only during loading (the tokenizer is immutable after). */
    void readConfig(Map<String, Object> config, String source) {
        bos = configToken(config.get("bos_token"), source);
        eos = configToken(config.get("eos_token"), source);
        addBos = Fields.flag(config, "add_bos_token");
    }

    private int configToken(Object v, String source) {
        if (v == null) return -1;
        String content = v instanceof Map<?, ?> m ? String.valueOf(m.get("content")) : String.valueOf(v);
        Integer id = ids.get(content);
        if (id == null) throw new TokenizerException(source + ": token \"" + content + "\" is not in the vocabulary");
        return id;
    }

    /** Token ids of {@code text}; added/special tokens written in the text become their ids. */
    public int[] encode(String text) {
        IntList out = new IntList();
        added.split(text, new AddedTokens.Sink() {
            @Override public void text(String gap) { encodePieces(gap, out); }
            @Override public void token(int id) { out.add(id); }
        });
        return out.toArray();
    }

    /**
     * Token ids of {@code text} with no added-token matching: "<｜User｜>" typed by a user stays plain
     * text. Use this for untrusted content placed inside a prompt.
     */
    public int[] encodeOrdinary(String text) {
        IntList out = new IntList();
        encodePieces(text, out);
        return out.toArray();
    }

    private void encodePieces(String text, IntList out) {
        for (String piece : preTokenizer.split(text)) bpe.encode(piece, out);
    }

    /** The text of {@code ids}, special tokens included; unknown ids are skipped as in HF. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /** The text of {@code ids}; with {@code skipSpecial}, tokens flagged special (BOS, EOS, pad…) are left out. */
    public String decode(int[] ids, boolean skipSpecial) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            byte[] b = bytes(id, skipSpecial);
            if (b != null) out.write(b, 0, b.length);
        }
        return out.toString(StandardCharsets.UTF_8); // malformed bytes become U+FFFD, like Rust's from_utf8_lossy
    }

    /** The bytes token {@code id} decodes to, or null if it is unknown or a skipped special. */
    byte[] bytes(int id, boolean skipSpecial) {
        if (id < 0 || id >= tokens.length || (skipSpecial && special[id])) return null;
        return tokenBytes[id];
    }

    /** The token string of {@code id} (byte-level form, e.g. "Ġworld"), or null if there is none. */
    public String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    /** The id of a token string (byte-level form, or an added token's content), or -1. */
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }

    /** The id of the added token with this content, e.g. "<｜end▁of▁sentence｜>", or -1 if absent. */
    public int specialId(String content) {
        return addedIds.getOrDefault(content, -1);
    }

    /** Whether {@code id} is an added token flagged special. */
    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    /** Highest token id + 1 (the model's embedding may have more rows). */
    public int vocabSize() {
        return tokens.length;
    }

    /** BOS id from tokenizer_config.json, or -1 when there is no config or no bos_token. */
    public int bosId() {
        return bos;
    }

    /** EOS id from tokenizer_config.json, or -1 when there is no config or no eos_token. */
    public int eosId() {
        return eos;
    }

    /** tokenizer_config.json's add_bos_token (true for V3, false for V4). */
    public boolean addBosToken() {
        return addBos;
    }
}
