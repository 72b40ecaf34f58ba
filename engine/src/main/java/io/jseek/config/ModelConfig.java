package io.jseek.config;

import io.jseek.json.Json;
import io.jseek.json.JsonException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The model hyper-parameters, one field per key of the Hugging Face {@code config.json} of
 * DeepSeek-V4 (spec §0). Field names follow the spec's symbols; the JSON key is noted where it differs.
 *
 * @param compressRatios one entry per main layer followed by one per MTP block (key {@code compress_ratios})
 */
public record ModelConfig(
        int vocabSize,          // V   vocab_size
        int dim,                // d   hidden_size
        int nLayers,            // L   num_hidden_layers
        int nMtp,               //     num_nextn_predict_layers
        int nHeads,             // H   num_attention_heads
        int headDim,            // D   head_dim
        int ropeDim,            // rd  qk_rope_head_dim
        int qLoraRank,          //     q_lora_rank
        int oGroups,            // G   o_groups
        int oLoraRank,          // R   o_lora_rank
        int window,             //     sliding_window
        int[] compressRatios,
        int indexHeads,         // IH  index_n_heads
        int indexHeadDim,       // ID  index_head_dim
        int indexTopK,          // IK  index_topk
        int hcMult,             // hc  hc_mult
        int hcSinkhornIters,
        double hcEps,
        int nRoutedExperts,     // E
        int nActivatedExperts,  // K   num_experts_per_tok
        int nSharedExperts,
        int moeInterDim,        // I   moe_intermediate_size
        String scoringFunc,
        double routeScale,      //     routed_scaling_factor
        double swigluLimit,
        int nHashLayers,        //     num_hash_layers
        double ropeTheta,
        double compressRopeTheta,
        double ropeFactor,      //     rope_scaling.factor
        int originalSeqLen,     //     rope_scaling.original_max_position_embeddings
        double betaFast,
        double betaSlow,
        double normEps,         //     rms_norm_eps
        int maxPositionEmbeddings,
        int bosTokenId,
        int eosTokenId,
        String expertDtype) {

    /** Number of hc mixing coefficients per site: pre (hc) + post (hc) + comb (hc×hc). */
    public int hcMix() {
        return (2 + hcMult) * hcMult;
    }

    /** compress ratio of main layer l (0..L-1) or MTP block k at index L+k. */
    public int ratio(int layerId) {
        return compressRatios[layerId];
    }

    public boolean isHashLayer(int layerId) {
        return layerId < nHashLayers;
    }

    public static ModelConfig load(Path dir) {
        Path f = dir.resolve("config.json");
        if (!Files.isRegularFile(f)) throw new ConfigException("config.json not found in " + dir);
        String text;
        try {
            if (Files.size(f) > 16 << 20) throw new ConfigException(f + ": config.json is larger than 16 MB");
            text = Files.readString(f);
        } catch (IOException e) {
            throw new ConfigException(f + ": cannot read: " + e.getMessage());
        }
        try {
            return parse(Json.parseObject(text));
        } catch (JsonException e) {
            throw new ConfigException(f + ": invalid JSON: " + e.getMessage());
        } catch (ConfigException e) {
            throw new ConfigException(f + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    public static ModelConfig parse(Map<String, Object> j) {
        Map<String, Object> rope = j.get("rope_scaling") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        int nLayers = posInt(j, "num_hidden_layers");
        int nMtp = intOr(j, "num_nextn_predict_layers", 0);
        if (nMtp < 0) throw new ConfigException("num_nextn_predict_layers must be >= 0, found " + nMtp);
        Object cr = j.get("compress_ratios");
        if (!(cr instanceof List<?> list)) throw new ConfigException("missing key compress_ratios (a list of " + (nLayers + nMtp) + " integers)");
        if (list.size() != nLayers + nMtp)
            throw new ConfigException("compress_ratios has " + list.size() + " entries, expected num_hidden_layers + num_nextn_predict_layers = " + (nLayers + nMtp));
        int[] ratios = new int[list.size()];
        for (int k = 0; k < ratios.length; k++) {
            Object v = list.get(k);
            if (!(v instanceof Long || v instanceof Integer) || ((Number) v).longValue() < 0 || ((Number) v).longValue() > 1 << 20)
                throw new ConfigException("compress_ratios[" + k + "] must be a non-negative integer, found " + v);
            ratios[k] = ((Number) v).intValue();
        }
        boolean hasCsa = false;
        for (int r : ratios) hasCsa |= r == 4;
        ModelConfig c = new ModelConfig(
                posInt(j, "vocab_size"), posInt(j, "hidden_size"), nLayers, nMtp,
                posInt(j, "num_attention_heads"), posInt(j, "head_dim"), posInt(j, "qk_rope_head_dim"),
                posInt(j, "q_lora_rank"), posInt(j, "o_groups"), posInt(j, "o_lora_rank"), posInt(j, "sliding_window"),
                ratios,
                hasCsa ? posInt(j, "index_n_heads") : intOr(j, "index_n_heads", 0),
                hasCsa ? posInt(j, "index_head_dim") : intOr(j, "index_head_dim", 0),
                hasCsa ? posInt(j, "index_topk") : intOr(j, "index_topk", 0),
                posInt(j, "hc_mult"), intOr(j, "hc_sinkhorn_iters", 20), num(j, "hc_eps", 1e-6),
                posInt(j, "n_routed_experts"), posInt(j, "num_experts_per_tok"), intOr(j, "n_shared_experts", 1),
                posInt(j, "moe_intermediate_size"),
                str(j, "scoring_func", "sqrtsoftplus"), num(j, "routed_scaling_factor", 1.0), num(j, "swiglu_limit", 0.0),
                intOr(j, "num_hash_layers", 0),
                num(j, "rope_theta", 10000.0), num(j, "compress_rope_theta", 160000.0),
                num(rope, "factor", 1.0), intOr(rope, "original_max_position_embeddings", 0),
                num(rope, "beta_fast", 32), num(rope, "beta_slow", 1),
                num(j, "rms_norm_eps", 1e-6), intOr(j, "max_position_embeddings", 1 << 20),
                intOr(j, "bos_token_id", 0), intOr(j, "eos_token_id", 1),
                str(j, "expert_dtype", "fp4"));
        c.check();
        return c;
    }

    private void check() {
        require(ropeDim % 2 == 0 && ropeDim <= headDim, "qk_rope_head_dim (" + ropeDim + ") must be even and <= head_dim (" + headDim + ")");
        require(nHeads % oGroups == 0, "num_attention_heads (" + nHeads + ") must be divisible by o_groups (" + oGroups + ")");
        require(nActivatedExperts <= nRoutedExperts, "num_experts_per_tok (" + nActivatedExperts + ") > n_routed_experts (" + nRoutedExperts + ")");
        require(nSharedExperts == 1, "n_shared_experts must be 1 (as in the official code), found " + nSharedExperts);
        require(nHashLayers <= nLayers, "num_hash_layers (" + nHashLayers + ") > num_hidden_layers (" + nLayers + ")");
        require(scoringFunc.equals("sqrtsoftplus") || scoringFunc.equals("sigmoid") || scoringFunc.equals("softmax"),
                "unknown scoring_func '" + scoringFunc + "' (expected sqrtsoftplus, sigmoid or softmax)");
        require(hcSinkhornIters >= 1, "hc_sinkhorn_iters must be >= 1");
        for (int r : compressRatios) {
            if (r == 4) {
                require(Integer.bitCount(indexHeadDim) == 1, "index_head_dim (" + indexHeadDim + ") must be a power of two (Hadamard rotation)");
                require(ropeDim <= indexHeadDim, "qk_rope_head_dim (" + ropeDim + ") > index_head_dim (" + indexHeadDim + ")");
            }
        }
        long qb = (long) nHeads * headDim;
        require(qb < Integer.MAX_VALUE / 4 && (long) vocabSize * dim < (1L << 40), "dimensions are implausibly large");
    }

    private static void require(boolean ok, String msg) {
        if (!ok) throw new ConfigException(msg);
    }

    private static int posInt(Map<String, Object> j, String key) {
        if (!j.containsKey(key)) throw new ConfigException("missing key " + key);
        int v = asInt(j.get(key), key);
        if (v <= 0) throw new ConfigException(key + " must be positive, found " + v);
        return v;
    }

    private static int intOr(Map<String, Object> j, String key, int dflt) {
        Object v = j.get(key);
        return v == null ? dflt : asInt(v, key);
    }

    private static int asInt(Object v, String key) {
        if (v instanceof Integer i) return i;
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) return (int) (long) l;
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) return (int) (double) d;
        throw new ConfigException(key + " must be an integer, found " + v);
    }

    private static double num(Map<String, Object> j, String key, double dflt) {
        Object v = j.get(key);
        if (v == null) return dflt;
        if (v instanceof Number n) return n.doubleValue();
        throw new ConfigException(key + " must be a number, found " + v);
    }

    private static String str(Map<String, Object> j, String key, String dflt) {
        Object v = j.get(key);
        if (v == null) return dflt;
        if (v instanceof String s) return s;
        throw new ConfigException(key + " must be a string, found " + v);
    }
}
