package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Parallel;
import io.jseek.weights.WeightLoader;

/**
 * Mixture of experts (spec §7): the router picks K routed experts per token, each token's output is
 * the weighted sum of its experts plus the shared expert. Tokens are grouped by expert so each expert
 * runs once per chunk as a matrix–matrix product over its tokens.
 */
final class MoE {
    final Gate gate;
    private final Expert[] experts;
    private final Expert shared;
    private final int d, k;
    /** The shared expert's g, u and output for one token, so decode can batch it with the routed experts. */
    private final float[] sharedG, sharedU, sharedY;

    MoE(WeightLoader w, String prefix, ModelConfig c, boolean hash) {
        this.d = c.dim();
        this.k = c.nActivatedExperts();
        this.gate = new Gate(w, prefix + "gate.", c, hash);
        this.experts = new Expert[c.nRoutedExperts()];
        for (int e = 0; e < experts.length; e++) experts[e] = new Expert(w, prefix + "experts." + e + ".", c);
        this.shared = new Expert(w, prefix + "shared_experts.", c);
        this.sharedG = new float[c.moeInterDim()];
        this.sharedU = new float[c.moeInterDim()];
        this.sharedY = new float[d];
    }

    /** xn: [T, d], token ids -> out: [T, d]. */
    void forward(Parallel par, Workspace ws, int T, float[] xn, int[] tokens, int tokOff, float[] out) {
        gate.route(par, ws, T, xn, tokens, tokOff);
        if (T == 1) {
            decode(par, ws, xn, out);
            return;
        }
        shared.forward(par, ws, T, xn, null, out);
        // group (token, slot) pairs by expert: counting sort into ws.expertRows
        int[] count = ws.expertCount;
        java.util.Arrays.fill(count, 0);
        for (int i = 0; i < T * k; i++) count[ws.route[i]]++;
        int start = 0;
        for (int e = 0; e < experts.length; e++) {
            int n = count[e];
            count[e] = start;
            start += n;
        }
        for (int i = 0; i < T * k; i++) ws.expertRows[count[ws.route[i]]++] = i;
        int begin = 0;
        for (int e = 0; e < experts.length; e++) {
            int end = count[e], n = end - begin;
            if (n == 0) continue;
            for (int r = 0; r < n; r++) {
                int pair = ws.expertRows[begin + r];
                System.arraycopy(xn, (pair / k) * d, ws.ex, r * d, d);
                ws.ew[r] = ws.routeW[pair];
            }
            experts[e].forward(par, ws, n, ws.ex, ws.ew, ws.ey);
            for (int r = 0; r < n; r++) {
                int t = ws.expertRows[begin + r] / k;
                for (int ch = 0; ch < d; ch++) out[t * d + ch] += ws.ey[r * d + ch];
            }
            begin = end;
        }
    }

    /**
     * One token: the up projections of the shared and the K routed experts run as one parallel job
     * and their down projections as another (each expert's rows alone are too few to keep the team busy).
     */
    private void decode(Parallel par, Workspace ws, float[] xn, float[] out) {
        int inter = experts[0].inter();
        Parallel.Batch up = par.batch();
        shared.up(up, xn, 0, sharedG, 0, sharedU, 0, 1);
        for (int i = 0; i < k; i++) experts[ws.route[i]].up(up, xn, 0, ws.eg, i * inter, ws.eu, i * inter, 1);
        par.matmul(up);
        Parallel.Batch down = par.batch();
        shared.activate(sharedG, 0, sharedU, 0, 1, null, 0);
        shared.down(down, sharedG, 0, sharedY, 0, 1);
        for (int i = 0; i < k; i++) {
            Expert e = experts[ws.route[i]];
            e.activate(ws.eg, i * inter, ws.eu, i * inter, 1, ws.routeW, i);
            e.down(down, ws.eg, i * inter, ws.ey, i * d, 1);
        }
        par.matmul(down);
        for (int ch = 0; ch < d; ch++) {
            float s = sharedY[ch];
            for (int i = 0; i < k; i++) s += ws.ey[i * d + ch];
            out[ch] = s;
        }
    }
}
