package io.jseek.text;

import io.jseek.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a small Hugging Face byte-level BPE tokenizer.json for test models ({@code jseek make-tiny}):
 * ids 0..255 are the byte tokens, then merges learned deterministically from {@link TrainingSample},
 * then (if the sample runs out of pairs) placeholder tokens, and DeepSeek's special tokens at the top ids.
 * The pre-tokenizer is DeepSeek's, so the tiny tokenizer splits text like the real one.
 */
public final class TinyTokenizer {
    /** A DeepSeek added token; "special" as in V3 (BOS/EOS skipped by skipSpecial, chat markers kept). */
    private record Special(String content, boolean special) {}

    private static final List<Special> SPECIALS = List.of(
            new Special("<｜begin▁of▁sentence｜>", true),
            new Special("<｜end▁of▁sentence｜>", true),
            new Special("<｜User｜>", false),
            new Special("<｜Assistant｜>", false),
            new Special("<think>", false),
            new Special("</think>", false),
            // the only DSML token confirmed for V4 (known-special-tokens.json); "<dsml:" is V4.1-only
            new Special("｜DSML｜", false));

    /** Fewer merges than this would not exercise BPE at all. */
    static final int MIN_MERGES = 32;

    private TinyTokenizer() {}

    /** The smallest vocabSize {@link #write} accepts. */
    public static int minVocabSize() {
        return 256 + SPECIALS.size() + MIN_MERGES;
    }

    /**
     * Writes {@code tokenizerJson} and a tokenizer_config.json (bos/eos) next to it.
     * @throws IllegalArgumentException if vocabSize is below {@link #minVocabSize()}
     */
    public static void write(Path tokenizerJson, int vocabSize) {
        Map<String, Object> root = build(vocabSize);
        try {
            Path parent = tokenizerJson.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(tokenizerJson, Json.write(root));
            Files.writeString(parent.resolve("tokenizer_config.json"), Json.write(config()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** The tokenizer.json content for {@code vocabSize} ids. */
    public static Map<String, Object> build(int vocabSize) {
        if (vocabSize < minVocabSize())
            throw new IllegalArgumentException("tiny tokenizer vocabSize " + vocabSize + " is too small: need at least "
                    + minVocabSize() + " (256 byte tokens + " + SPECIALS.size() + " special tokens + " + MIN_MERGES + " merges)");
        List<String> vocab = new ArrayList<>();
        for (int b = 0; b < 256; b++) vocab.add(String.valueOf(ByteLevel.charOf(b)));
        List<String> merges = learnMerges(vocab, vocabSize - SPECIALS.size());

        List<Object> added = new ArrayList<>();
        int id = vocab.size();
        for (int k = 0; id < vocabSize - SPECIALS.size(); k++, id++)
            added.add(addedToken(id, "<｜place▁holder▁no▁" + k + "｜>", true));
        for (Special s : SPECIALS) added.add(addedToken(id++, s.content(), s.special()));

        Map<String, Object> vocabJson = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) vocabJson.put(vocab.get(i), (long) i);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("vocab", vocabJson);
        model.put("merges", merges);

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        root.put("added_tokens", added);
        root.put("normalizer", ordered("type", "Sequence", "normalizers", List.of()));
        root.put("pre_tokenizer", deepSeekPreTokenizer());
        root.put("post_processor", byteLevel(true, false));
        root.put("decoder", byteLevel(true, true));
        root.put("model", model);
        return root;
    }

    /**
     * Classic BPE training: count adjacent pairs over the sample's pre-tokenized words (weighted by
     * frequency), merge the most frequent pair (ties: lowest ids), repeat until {@code vocab} reaches
     * {@code limit} or no pair is left. Returns the merges as "left right" strings.
     */
    private static List<String> learnMerges(List<String> vocab, int limit) {
        Map<String, Integer> wordCounts = new LinkedHashMap<>();
        PreTokenizer pre = PreTokenizer.fromJson(deepSeekPreTokenizer(), "tiny tokenizer");
        for (String w : pre.split(TrainingSample.TEXT)) wordCounts.merge(w, 1, Integer::sum);
        List<int[]> words = new ArrayList<>();
        int[] counts = new int[wordCounts.size()];
        for (var e : wordCounts.entrySet()) {
            byte[] utf8 = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int[] w = new int[utf8.length];
            for (int i = 0; i < w.length; i++) w[i] = utf8[i] & 0xFF; // byte b has id b
            counts[words.size()] = e.getValue();
            words.add(w);
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) ids.put(vocab.get(i), i);
        List<String> merges = new ArrayList<>();
        while (vocab.size() < limit) {
            Map<Long, Integer> pairs = new HashMap<>();
            for (int k = 0; k < words.size(); k++) {
                int[] w = words.get(k);
                for (int i = 0; i + 1 < w.length; i++) pairs.merge(((long) w[i] << 32) | w[i + 1], counts[k], Integer::sum);
            }
            long best = -1;
            int bestCount = 0;
            for (var e : pairs.entrySet()) {
                if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < best)) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best < 0) break;
            int left = (int) (best >>> 32), right = (int) best;
            String merged = vocab.get(left) + vocab.get(right);
            Integer mergedId = ids.get(merged); // another pair may already have spelled this token
            if (mergedId == null) {
                mergedId = vocab.size();
                vocab.add(merged);
                ids.put(merged, mergedId);
            }
            merges.add(vocab.get(left) + " " + vocab.get(right));
            for (int k = 0; k < words.size(); k++) words.set(k, apply(words.get(k), left, right, mergedId));
        }
        return merges;
    }

    private static int[] apply(int[] w, int left, int right, int merged) {
        int n = 0;
        int[] out = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            if (i + 1 < w.length && w[i] == left && w[i + 1] == right) { out[n++] = merged; i++; }
            else out[n++] = w[i];
        }
        return n == w.length ? w : java.util.Arrays.copyOf(out, n);
    }

    private static Map<String, Object> addedToken(int id, String content, boolean special) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", (long) id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", !special);
        t.put("special", special);
        return t;
    }

    /** DeepSeek V3/V4's pre_tokenizer, verbatim (api-spec §4). */
    static Map<String, Object> deepSeekPreTokenizer() {
        String main = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+"
                + "|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                + "| ?[\\p{P}\\p{S}]+[\r\n]*"
                + "|\\s*[\r\n]+"
                + "|\\s+(?!\\S)"
                + "|\\s+";
        Map<String, Object> byteLevel = new LinkedHashMap<>();
        byteLevel.put("type", "ByteLevel");
        byteLevel.put("add_prefix_space", false);
        byteLevel.put("trim_offsets", true);
        byteLevel.put("use_regex", false);
        return ordered("type", "Sequence", "pretokenizers", List.of(
                split("\\p{N}{1,3}"),
                split("[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+"),
                split(main),
                byteLevel));
    }

    private static Map<String, Object> split(String regex) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "Split");
        m.put("pattern", ordered("Regex", regex));
        m.put("behavior", "Isolated");
        m.put("invert", false);
        return m;
    }

    private static Map<String, Object> byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "ByteLevel");
        m.put("add_prefix_space", addPrefixSpace);
        m.put("trim_offsets", trimOffsets);
        m.put("use_regex", true);
        return m;
    }

    /** A JSON object with keys in the given order, so the written file is byte-for-byte reproducible. */
    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    /** tokenizer_config.json in V4's shape: no BOS added by the tokenizer (the prompt encoder adds it). */
    private static Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("add_bos_token", false);
        c.put("add_eos_token", false);
        c.put("bos_token", configToken(SPECIALS.get(0).content()));
        c.put("eos_token", configToken(SPECIALS.get(1).content()));
        c.put("pad_token", configToken(SPECIALS.get(1).content()));
        c.put("clean_up_tokenization_spaces", false);
        c.put("model_max_length", 1048576L);
        c.put("unk_token", null);
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        return c;
    }

    private static Map<String, Object> configToken(String content) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("__type", "AddedToken");
        t.put("content", content);
        t.put("lstrip", false);
        t.put("normalized", true);
        t.put("rstrip", false);
        t.put("single_word", false);
        return t;
    }
}
