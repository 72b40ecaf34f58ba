package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.TopK;
import io.jseek.kernels.WeightMatrix;
import io.jseek.weights.WeightLoader;

/**
 * The MoE router (spec §7): scores s_e = sqrt(softplus(x·W_e)); hash layers take their K experts from
 * the {@code tid2eid} table of the token id, other layers the top-K of s_e + bias (the bias only steers
 * selection). The weights are the selected scores normalised to sum 1, times route_scale.
 */
final class Gate {
    private final WeightMatrix weight; // [E, d]
    private final float[] bias;        // [E], score-routed layers
    private final int[] tid2eid;       // [V, K], hash layers
    private final int experts, k;
    private final String scoring;
    private final float routeScale;

    Gate(WeightLoader w, String prefix, ModelConfig c, boolean hash) {
        this.experts = c.nRoutedExperts();
        this.k = c.nActivatedExperts();
        this.scoring = c.scoringFunc();
        this.routeScale = (float) c.routeScale();
        this.weight = w.linear(prefix.substring(0, prefix.length() - 1), experts, c.dim());
        this.bias = hash ? null : w.vector(prefix + "bias", experts);
        this.tid2eid = hash ? w.tid2eid(prefix + "tid2eid", c.vocabSize(), k, experts) : null;
    }

    /** xn: [T, d], tokens -> ws.route [T, K] expert ids, ws.routeW [T, K] weights. */
    void route(Parallel par, Workspace ws, int T, float[] xn, int[] tokens, int tokOff) {
        par.matmul(weight, xn, 0, weight.cols(), ws.gateLogits, 0, experts, T);
        float[] s = ws.routeScore;
        for (int t = 0; t < T; t++) {
            score(ws.gateLogits, t * experts, s);
            int o = t * k;
            if (tid2eid != null) {
                System.arraycopy(tid2eid, tokens[tokOff + t] * k, ws.route, o, k);
            } else {
                float[] biased = ws.routeBiased;
                for (int e = 0; e < experts; e++) biased[e] = s[e] + bias[e];
                TopK.select(biased, experts, k, ws.route, o);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) sum += s[ws.route[o + j]];
            for (int j = 0; j < k; j++) {
                float sj = s[ws.route[o + j]];
                ws.routeW[o + j] = scoring.equals("softmax") ? sj * routeScale : (float) (sj / sum) * routeScale;
            }
        }
    }

    private void score(float[] logits, int off, float[] s) {
        switch (scoring) {
            case "sqrtsoftplus" -> {
                for (int e = 0; e < experts; e++) {
                    double z = logits[off + e];
                    double sp = z > 30 ? z : Math.log1p(Math.exp(z));
                    s[e] = (float) Math.sqrt(sp);
                }
            }
            case "sigmoid" -> {
                for (int e = 0; e < experts; e++) s[e] = (float) (1 / (1 + Math.exp(-logits[off + e])));
            }
            default -> { // softmax
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int e = 0; e < experts; e++) max = Math.max(max, logits[off + e]);
                for (int e = 0; e < experts; e++) sum += Math.exp(logits[off + e] - max);
                for (int e = 0; e < experts; e++) s[e] = (float) (Math.exp(logits[off + e] - max) / sum);
            }
        }
    }
}
