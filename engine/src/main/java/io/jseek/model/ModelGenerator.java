package io.jseek.model;

import io.jseek.json.Json;
import io.jseek.kernels.Codecs;
import io.jseek.text.TinyTokenizer;
import io.jseek.text.Tokenizer;
import io.jseek.weights.CheckpointWriter;
import io.jseek.weights.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes random DeepSeek-V4 checkpoints in exactly the official format (spec §10): FP8 e4m3 attention
 * and shared-expert weights with 128×128 e8m0 scales, FP4 e2m1 routed experts with per-32 scales,
 * BF16/F32 elsewhere, I64 tid2eid for hash layers. Values are deterministic per (preset, seed) and
 * scaled so activations stay well-behaved. A small tokenizer.json is written alongside. Used for tests,
 * the demo model and benchmarks.
 */
public final class ModelGenerator {

    /** A named model shape; {@link #config()} is the HF config.json content. */
    public record Preset(String name, int vocab, int dim, int[] ratios, int nMtp, int heads, int headDim, int ropeDim,
                         int qLora, int oGroups, int oLora, int window, int indexHeads, int indexHeadDim, int indexTopK,
                         int experts, int topK, int moeInter, int hashLayers, int shards) {

        public Map<String, Object> config() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("architectures", List.of("DeepseekV4ForCausalLM"));
            c.put("model_type", "deepseek_v4");
            c.put("vocab_size", vocab);
            c.put("hidden_size", dim);
            c.put("num_hidden_layers", ratios.length - nMtp);
            c.put("num_nextn_predict_layers", nMtp);
            List<Integer> r = new ArrayList<>();
            for (int x : ratios) r.add(x);
            c.put("compress_ratios", r);
            c.put("num_attention_heads", heads);
            c.put("num_key_value_heads", 1);
            c.put("head_dim", headDim);
            c.put("qk_rope_head_dim", ropeDim);
            c.put("q_lora_rank", qLora);
            c.put("o_groups", oGroups);
            c.put("o_lora_rank", oLora);
            c.put("sliding_window", window);
            c.put("index_n_heads", indexHeads);
            c.put("index_head_dim", indexHeadDim);
            c.put("index_topk", indexTopK);
            c.put("hc_mult", 4);
            c.put("hc_sinkhorn_iters", 20);
            c.put("hc_eps", 1e-6);
            c.put("n_routed_experts", experts);
            c.put("num_experts_per_tok", topK);
            c.put("n_shared_experts", 1);
            c.put("moe_intermediate_size", moeInter);
            c.put("scoring_func", "sqrtsoftplus");
            c.put("norm_topk_prob", true);
            c.put("topk_method", "noaux_tc");
            c.put("routed_scaling_factor", 1.5);
            c.put("swiglu_limit", 10.0);
            c.put("num_hash_layers", hashLayers);
            c.put("rope_theta", 10000.0);
            c.put("compress_rope_theta", 160000.0);
            c.put("rope_scaling", Map.of("type", "yarn", "factor", 16.0, "original_max_position_embeddings", 65536,
                    "beta_fast", 32, "beta_slow", 1));
            c.put("rms_norm_eps", 1e-6);
            c.put("max_position_embeddings", 1048576);
            c.put("bos_token_id", 0);
            c.put("eos_token_id", 1);
            c.put("hidden_act", "silu");
            c.put("tie_word_embeddings", false);
            c.put("torch_dtype", "bfloat16");
            c.put("expert_dtype", "fp4");
            c.put("quantization_config", Map.of("activation_scheme", "dynamic", "fmt", "e4m3", "quant_method", "fp8",
                    "scale_fmt", "ue8m0", "weight_block_size", List.of(128, 128)));
            return c;
        }
    }

    public static final List<Preset> PRESETS = List.of(
            // the built-in demo model: tiny but every component present (CSA, HCA, hash layers, MTP)
            new Preset("tiny", 1024, 64, new int[]{0, 4, 16, 4, 16, 0, 0}, 1, 4, 32, 8, 48, 2, 24, 16, 8, 16, 4, 8, 2, 32, 2, 2),
            new Preset("small", 2048, 256, new int[]{0, 4, 8, 4, 0, 0}, 1, 4, 80, 16, 192, 2, 96, 32, 8, 32, 8, 8, 3, 96, 1, 3),
            new Preset("medium", 8192, 1024, new int[]{0, 0, 4, 128, 4, 128, 0}, 1, 16, 256, 64, 512, 4, 256, 128, 16, 128, 128, 16, 4, 512, 2, 4),
            // the performance-work shape (issue "Fast on CPUs"): 2.13 B parameters, 0.75 B active
            new Preset("bench", 32768, 2048, new int[]{0, 0, 4, 128, 4, 128, 4, 128}, 0, 32, 512, 64, 1024, 8, 512, 128, 32, 128, 512, 32, 6, 1024, 2, 4));

    public static Preset preset(String name) {
        for (Preset p : PRESETS) if (p.name.equals(name)) return p;
        throw new IllegalArgumentException("unknown preset '" + name + "' (known: " + String.join(", ", PRESETS.stream().map(Preset::name).toList()) + ")");
    }

    /** Writes config.json and the safetensors shards of {@code p} into {@code dir}. */
    public static void write(Preset p, long seed, Path dir, Consumer<String> progress) {
        CheckpointWriter w = new CheckpointWriter();
        Gen g = new Gen(w, seed);
        int d = p.dim, L = p.ratios.length - p.nMtp, hc = 4, mix = (2 + hc) * hc;
        g.bf16("embed.weight", 1.0, p.vocab, d);
        for (int l = 0; l < p.ratios.length; l++) {
            boolean isMtp = l >= L;
            String pre = isMtp ? "mtp." + (l - L) + "." : "layers." + l + ".";
            int r = p.ratios[l];
            if (isMtp) {
                g.fp8(pre + "e_proj", d, d);
                g.fp8(pre + "h_proj", d, d);
                g.norm(pre + "enorm.weight", d);
                g.norm(pre + "hnorm.weight", d);
                g.norm(pre + "norm.weight", d);
                g.f32(pre + "hc_head_fn", 0.5 / Math.sqrt(hc * d), hc, hc * d);
                g.f32(pre + "hc_head_base", 0.5, hc);
                g.f32(pre + "hc_head_scale", 0.5, 1);
            }
            for (String site : new String[]{"attn", "ffn"}) {
                g.f32(pre + "hc_" + site + "_fn", 0.5 / Math.sqrt(hc * d), mix, hc * d);
                g.f32(pre + "hc_" + site + "_base", 0.5, mix);
                g.f32(pre + "hc_" + site + "_scale", 0.5, 3);
                g.norm(pre + site + "_norm.weight", d);
            }
            String a = pre + "attn.";
            g.fp8(a + "wq_a", p.qLora, d);
            g.norm(a + "q_norm.weight", p.qLora);
            g.fp8(a + "wq_b", p.heads * p.headDim, p.qLora);
            g.fp8(a + "wkv", p.headDim, d);
            g.norm(a + "kv_norm.weight", p.headDim);
            g.fp8(a + "wo_a", p.oGroups * p.oLora, p.heads * p.headDim / p.oGroups);
            g.fp8(a + "wo_b", d, p.oGroups * p.oLora);
            g.f32(a + "attn_sink", 1.0, p.heads);
            if (r != 0) {
                int c = r == 4 ? 2 : 1;
                compressor(g, a + "compressor.", r, c * p.headDim, p.headDim, d);
            }
            if (r == 4) {
                g.fp8(a + "indexer.wq_b", p.indexHeads * p.indexHeadDim, p.qLora);
                g.bf16(a + "indexer.weights_proj.weight", 1.0 / Math.sqrt(d), p.indexHeads, d);
                compressor(g, a + "indexer.compressor.", 4, 2 * p.indexHeadDim, p.indexHeadDim, d);
            }
            String f = pre + "ffn.";
            g.bf16(f + "gate.weight", 1.0 / Math.sqrt(d), p.experts, d);
            if (!isMtp && l < p.hashLayers) g.tid2eid(f + "gate.tid2eid", p.vocab, p.topK, p.experts);
            else g.f32(f + "gate.bias", 0.1, p.experts);
            for (int e = 0; e < p.experts; e++) {
                g.fp4(f + "experts." + e + ".w1", p.moeInter, d);
                g.fp4(f + "experts." + e + ".w3", p.moeInter, d);
                g.fp4(f + "experts." + e + ".w2", d, p.moeInter);
            }
            g.fp8(f + "shared_experts.w1", p.moeInter, d);
            g.fp8(f + "shared_experts.w3", p.moeInter, d);
            g.fp8(f + "shared_experts.w2", d, p.moeInter);
            if (l == L - 1) { // main-model tail before the MTP tensors, as in the official shards
                g.norm("norm.weight", d);
                g.f32("hc_head_fn", 0.5 / Math.sqrt(hc * d), hc, hc * d);
                g.f32("hc_head_base", 0.5, hc);
                g.f32("hc_head_scale", 0.5, 1);
                g.bf16("head.weight", 1.0 / Math.sqrt(d), p.vocab, d);
            }
        }
        try {
            Files.createDirectories(dir);
            // a small byte-level BPE tokenizer with DeepSeek's special tokens, so the model works end to end
            TinyTokenizer.write(dir.resolve("tokenizer.json"), p.vocab);
            Tokenizer tok = Tokenizer.load(dir.resolve("tokenizer.json"));
            Map<String, Object> config = p.config();
            config.put("bos_token_id", tok.bosId());
            config.put("eos_token_id", tok.eosId());
            Files.writeString(dir.resolve("config.json"), Json.write(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        w.write(dir, p.shards, progress);
    }

    private static void compressor(Gen g, String pre, int ratio, int width, int dc, int d) {
        g.bf16(pre + "wkv.weight", 1.0 / Math.sqrt(d), width, d);
        g.bf16(pre + "wgate.weight", 1.0 / Math.sqrt(d), width, d);
        g.f32(pre + "ape", 0.5, ratio, width);
        g.norm(pre + "norm.weight", dc);
    }

    /** Deterministic per-tensor random streams (seeded by the model seed and the tensor name). */
    private record Gen(CheckpointWriter w, long seed) {
        private Rng rng(String name) {
            return new Rng(seed * 0x9E3779B97F4A7C15L ^ name.hashCode() * 0xC2B2AE3D27D4EB4FL);
        }

        void f32(String name, double std, long... shape) {
            Rng r = rng(name);
            w.add(name, DType.F32, shape, buf -> {
                while (buf.remaining() >= 4) buf.putFloat((float) (std * r.gaussian()));
            });
        }

        void bf16(String name, double std, long... shape) {
            Rng r = rng(name);
            w.add(name, DType.BF16, shape, buf -> {
                while (buf.remaining() >= 2) buf.putShort(Codecs.floatToBf16((float) (std * r.gaussian())));
            });
        }

        void norm(String name, int n) {
            Rng r = rng(name);
            w.add(name, DType.BF16, new long[]{n}, buf -> {
                while (buf.remaining() >= 2) buf.putShort(Codecs.floatToBf16((float) (1 + 0.1 * r.gaussian())));
            });
        }

        /** e4m3 codes with exponent fields 4..8 (|q| in [1/8, 3.75]); block scale ≈ 1/sqrt(in). */
        void fp8(String prefix, int out, int in) {
            Rng r = rng(prefix);
            w.add(prefix + ".weight", DType.F8_E4M3, new long[]{out, in}, buf -> {
                while (buf.hasRemaining()) {
                    long x = r.next();
                    buf.put((byte) ((x & 0x80) | (4 + (int) ((x >>> 8 & 0xFFFF) % 5)) << 3 | (int) (x >>> 32 & 7)));
                }
            });
            int e = 127 - (int) Math.round(0.5 * Math.log(in) / Math.log(2)) - 1;
            Rng rs = rng(prefix + ".scale");
            w.add(prefix + ".scale", DType.F8_E8M0, new long[]{(out + 127) / 128, (in + 127) / 128}, buf -> {
                while (buf.hasRemaining()) buf.put((byte) (e - (int) (rs.next() >>> 62 & 1)));
            });
        }

        /** e2m1 nibbles uniform over all 16 codes (rms ≈ 2.9); group scale ≈ 1/(4·sqrt(in)). */
        void fp4(String prefix, int out, int in) {
            Rng r = rng(prefix);
            w.add(prefix + ".weight", DType.I8, new long[]{out, in / 2}, buf -> {
                while (buf.hasRemaining()) buf.put((byte) r.next());
            });
            int e = 127 - (int) Math.round(0.5 * Math.log(in) / Math.log(2)) - 2;
            Rng rs = rng(prefix + ".scale");
            w.add(prefix + ".scale", DType.F8_E8M0, new long[]{out, (in + 31) / 32}, buf -> {
                while (buf.hasRemaining()) buf.put((byte) (e - (int) (rs.next() >>> 62 & 1)));
            });
        }

        /** K distinct experts per token id. */
        void tid2eid(String name, int vocab, int k, int experts) {
            Rng r = rng(name);
            int[] perm = new int[experts];
            w.add(name, DType.I64, new long[]{vocab, k}, new CheckpointWriter.Source() {
                int slot = k;

                @Override
                public void fill(ByteBuffer buf) {
                    while (buf.remaining() >= 8) {
                        if (slot == k) { // new token: partial Fisher-Yates for k distinct ids
                            for (int i = 0; i < experts; i++) perm[i] = i;
                            for (int i = 0; i < k; i++) {
                                int j = i + (int) Long.remainderUnsigned(r.next(), experts - i);
                                int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
                            }
                            slot = 0;
                        }
                        buf.putLong(perm[slot++]);
                    }
                }
            });
        }
    }

    /** splitmix64: fast, good enough for weights, identical on every JVM. */
    private static final class Rng {
        private long s;

        Rng(long seed) {
            s = seed;
        }

        long next() {
            long z = (s += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** Approximately standard normal (sum of 4 uniforms, rescaled). */
        double gaussian() {
            long x = next(), y = next();
            double u = ((x & 0xFFFFFFFFL) + (x >>> 32) + (y & 0xFFFFFFFFL) + (y >>> 32)) / 4294967296.0;
            return (u - 2.0) * Math.sqrt(3.0);
        }
    }
}
