package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.state.KvLayout;
import io.jseek.state.StateSize;
import io.jseek.weights.Checkpoint;
import io.jseek.weights.DType;
import io.jseek.weights.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Size facts about a model: parameters (total and active per token), bytes by dtype, decode-state growth. */
public record ModelInfo(long totalParams, long activeParams, long mtpParams, Map<String, Long> bytesByDtype,
                        long weightBytesPerToken, double stateBytesPerToken, long stateFixedBytes) {

    public static ModelInfo of(ModelConfig c, Checkpoint ckpt) {
        return of(c, ckpt, KvLayout.F32);
    }

    /** Facts of the checkpoint, with the decode-state size for kv storage {@code layout}. */
    public static ModelInfo of(ModelConfig c, Checkpoint ckpt, KvLayout layout) {
        long total = 0, active = 0, mtp = 0, touched = 0;
        Map<String, Long> bytes = new TreeMap<>();
        for (Tensor t : ckpt.tensors().values()) {
            bytes.merge(t.dtype().name(), t.data().byteSize(), Long::sum);
            // weight bytes one decoded token reads: one embedding row, K of E routed experts, all the rest
            if (!t.name().startsWith("mtp.")) {
                if (t.name().equals("embed.weight")) touched += t.data().byteSize() / c.vocabSize();
                else if (t.name().contains(".ffn.experts.")) touched += t.data().byteSize() * c.nActivatedExperts() / c.nRoutedExperts();
                else if (!t.name().endsWith("tid2eid")) touched += t.data().byteSize();
            }
            if (t.dtype() == DType.F8_E8M0 || t.name().endsWith("tid2eid")) continue; // scales and tables are not parameters
            long p = t.dtype() == DType.I8 ? 2 * t.numel() : t.numel();
            if (t.name().startsWith("mtp.")) {
                mtp += p;
                continue;
            }
            total += p;
            // active: what a token computes with — K of E routed experts, and no embedding table (one row is a lookup)
            if (!t.name().equals("embed.weight"))
                active += t.name().contains(".ffn.experts.") ? p * c.nActivatedExperts() / c.nRoutedExperts() : p;
        }
        StateSize size = StateSize.of(c, layout);
        return new ModelInfo(total, active, mtp, bytes, touched, size.bytesPerToken(), size.fixedBytes());
    }

    public long stateBytesAt(long tokens) {
        return stateFixedBytes + Math.round(stateBytesPerToken * tokens);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total_params", totalParams);
        m.put("active_params_per_token", activeParams);
        m.put("mtp_params", mtpParams);
        m.put("bytes_by_dtype", bytesByDtype);
        m.put("weight_bytes_per_token", weightBytesPerToken);
        m.put("state_bytes_per_token", stateBytesPerToken);
        m.put("state_fixed_bytes", stateFixedBytes);
        m.put("state_bytes_at_128k", stateBytesAt(128 * 1024));
        m.put("state_bytes_at_1m", stateBytesAt(1024 * 1024));
        return m;
    }
}
