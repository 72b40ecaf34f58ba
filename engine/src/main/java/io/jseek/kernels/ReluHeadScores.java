package io.jseek.kernels;

import jdk.incubator.vector.FloatVector;

import static io.jseek.kernels.VectorMath.F;
import static io.jseek.kernels.VectorMath.L;

/**
 * The lightning indexer's score of one query against a tile of keys (spec §6):
 * {@code out[i] = Σ_h w[h]·ReLU(Σ_d q[h·D + d]·kt[d·stride + i])} for keys i < n, with the keys
 * stored channel-major ({@code kt[d][i]}) so that L consecutive keys are one vector load.
 *
 * <p>It is a small matrix product (heads × D times D × keys) followed by a ReLU and a weighted sum
 * over heads, all done in registers: a block of 4 heads × 4 key vectors (4 × 2 with 16-register
 * AVX2) keeps 16 independent FMA chains over d (each step: 4 key loads, 4 broadcast query scalars),
 * then the block's ReLU'd dots are weighted into running sums that are stored once per block of
 * keys, so neither the per-head dots nor partial scores ever go through memory. Callers should not
 * give the tile a power-of-two stride: the channels of a key vector would then share few L1 sets.
 */
public final class ReluHeadScores {
    /** 16-lane vectors come with 32 vector registers (AVX-512): room for 16 accumulators. */
    private static final boolean WIDE = L >= 16;
    // ReLU is written x.blend(0, x.lt(0)) throughout: a compare and a blend, where Java's max (NaN and
    // signed-zero rules) costs several instructions per vector — measured ~20% of the whole kernel.
    private ReluHeadScores() {
    }

    /**
     * q: [heads, dim] at qo; w: [heads] at wo; kt: [dim][stride] at ko (key i of channel d at
     * {@code ko + d·stride + i}) -> out[oo .. oo+n).
     */
    public static void score(float[] q, int qo, float[] w, int wo, int heads, int dim, float[] kt, int ko, int stride, int n, float[] out, int oo) {
        int i = 0;
        if (WIDE) for (; i + 4 * L <= n; i += 4 * L) score4x4(q, qo, w, wo, heads, dim, kt, ko + i, stride, out, oo + i);
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0;
            int h = 0;
            for (; h + 4 <= heads; h += 4) {
                FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
                int q0 = qo + h * dim, q1 = q0 + dim, q2 = q1 + dim, q3 = q2 + dim;
                for (int d = 0, k = ko + i; d < dim; d++, k += stride) {
                    FloatVector k0 = FloatVector.fromArray(F, kt, k), k1 = FloatVector.fromArray(F, kt, k + L);
                    FloatVector c = FloatVector.broadcast(F, q[q0 + d]);
                    a0 = k0.fma(c, a0);
                    b0 = k1.fma(c, b0);
                    c = FloatVector.broadcast(F, q[q1 + d]);
                    a1 = k0.fma(c, a1);
                    b1 = k1.fma(c, b1);
                    c = FloatVector.broadcast(F, q[q2 + d]);
                    a2 = k0.fma(c, a2);
                    b2 = k1.fma(c, b2);
                    c = FloatVector.broadcast(F, q[q3 + d]);
                    a3 = k0.fma(c, a3);
                    b3 = k1.fma(c, b3);
                }
                FloatVector w0 = FloatVector.broadcast(F, w[wo + h]), w1 = FloatVector.broadcast(F, w[wo + h + 1]);
                FloatVector w2 = FloatVector.broadcast(F, w[wo + h + 2]), w3 = FloatVector.broadcast(F, w[wo + h + 3]);
                s0 = a0.blend(0f, a0.lt(0f)).fma(w0, s0).add(a1.blend(0f, a1.lt(0f)).fma(w1, a2.blend(0f, a2.lt(0f)).mul(w2))).add(a3.blend(0f, a3.lt(0f)).mul(w3));
                s1 = b0.blend(0f, b0.lt(0f)).fma(w0, s1).add(b1.blend(0f, b1.lt(0f)).fma(w1, b2.blend(0f, b2.lt(0f)).mul(w2))).add(b3.blend(0f, b3.lt(0f)).mul(w3));
            }
            for (; h < heads; h++) {
                FloatVector a = FloatVector.zero(F), b = a;
                int q0 = qo + h * dim;
                for (int d = 0, k = ko + i; d < dim; d++, k += stride) {
                    FloatVector c = FloatVector.broadcast(F, q[q0 + d]);
                    a = FloatVector.fromArray(F, kt, k).fma(c, a);
                    b = FloatVector.fromArray(F, kt, k + L).fma(c, b);
                }
                FloatVector wh = FloatVector.broadcast(F, w[wo + h]);
                s0 = a.blend(0f, a.lt(0f)).fma(wh, s0);
                s1 = b.blend(0f, b.lt(0f)).fma(wh, s1);
            }
            s0.intoArray(out, oo + i);
            s1.intoArray(out, oo + i + L);
        }
        for (; i + L <= n; i += L) {
            FloatVector s = FloatVector.zero(F);
            for (int h = 0; h < heads; h++) {
                FloatVector a = FloatVector.zero(F);
                int q0 = qo + h * dim;
                for (int d = 0, k = ko + i; d < dim; d++, k += stride) a = FloatVector.fromArray(F, kt, k).fma(FloatVector.broadcast(F, q[q0 + d]), a);
                s = a.blend(0f, a.lt(0f)).fma(FloatVector.broadcast(F, w[wo + h]), s);
            }
            s.intoArray(out, oo + i);
        }
        if (i < n) scoreScalar(q, qo, w, wo, heads, dim, kt, ko + i, stride, n - i, out, oo + i);
    }

    /**
     * Keys [0, 4L) of kt at ko, 4 heads × 4 key vectors at a time (16 FMA chains, 4 key loads and 4
     * broadcasts per channel), for 32-register machines.
     */
    private static void score4x4(float[] q, int qo, float[] w, int wo, int heads, int dim, float[] kt, int ko, int stride, float[] out, int oo) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int h = 0;
        for (; h + 4 <= heads; h += 4) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0;
            int q0 = qo + h * dim, q1 = q0 + dim, q2 = q1 + dim, q3 = q2 + dim;
            for (int d = 0, k = ko; d < dim; d++, k += stride) {
                FloatVector k0 = FloatVector.fromArray(F, kt, k), k1 = FloatVector.fromArray(F, kt, k + L);
                FloatVector k2 = FloatVector.fromArray(F, kt, k + 2 * L), k3 = FloatVector.fromArray(F, kt, k + 3 * L);
                FloatVector c = FloatVector.broadcast(F, q[q0 + d]);
                a0 = k0.fma(c, a0);
                a1 = k1.fma(c, a1);
                a2 = k2.fma(c, a2);
                a3 = k3.fma(c, a3);
                c = FloatVector.broadcast(F, q[q1 + d]);
                b0 = k0.fma(c, b0);
                b1 = k1.fma(c, b1);
                b2 = k2.fma(c, b2);
                b3 = k3.fma(c, b3);
                c = FloatVector.broadcast(F, q[q2 + d]);
                c0 = k0.fma(c, c0);
                c1 = k1.fma(c, c1);
                c2 = k2.fma(c, c2);
                c3 = k3.fma(c, c3);
                c = FloatVector.broadcast(F, q[q3 + d]);
                d0 = k0.fma(c, d0);
                d1 = k1.fma(c, d1);
                d2 = k2.fma(c, d2);
                d3 = k3.fma(c, d3);
            }
            FloatVector w0 = FloatVector.broadcast(F, w[wo + h]), w1 = FloatVector.broadcast(F, w[wo + h + 1]);
            FloatVector w2 = FloatVector.broadcast(F, w[wo + h + 2]), w3 = FloatVector.broadcast(F, w[wo + h + 3]);
            s0 = a0.blend(0f, a0.lt(0f)).fma(w0, s0).add(b0.blend(0f, b0.lt(0f)).fma(w1, c0.blend(0f, c0.lt(0f)).mul(w2))).add(d0.blend(0f, d0.lt(0f)).mul(w3));
            s1 = a1.blend(0f, a1.lt(0f)).fma(w0, s1).add(b1.blend(0f, b1.lt(0f)).fma(w1, c1.blend(0f, c1.lt(0f)).mul(w2))).add(d1.blend(0f, d1.lt(0f)).mul(w3));
            s2 = a2.blend(0f, a2.lt(0f)).fma(w0, s2).add(b2.blend(0f, b2.lt(0f)).fma(w1, c2.blend(0f, c2.lt(0f)).mul(w2))).add(d2.blend(0f, d2.lt(0f)).mul(w3));
            s3 = a3.blend(0f, a3.lt(0f)).fma(w0, s3).add(b3.blend(0f, b3.lt(0f)).fma(w1, c3.blend(0f, c3.lt(0f)).mul(w2))).add(d3.blend(0f, d3.lt(0f)).mul(w3));
        }
        for (; h < heads; h++) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int d = 0, k = ko; d < dim; d++, k += stride) {
                FloatVector c = FloatVector.broadcast(F, q[qo + h * dim + d]);
                a0 = FloatVector.fromArray(F, kt, k).fma(c, a0);
                a1 = FloatVector.fromArray(F, kt, k + L).fma(c, a1);
                a2 = FloatVector.fromArray(F, kt, k + 2 * L).fma(c, a2);
                a3 = FloatVector.fromArray(F, kt, k + 3 * L).fma(c, a3);
            }
            FloatVector wh = FloatVector.broadcast(F, w[wo + h]);
            s0 = a0.blend(0f, a0.lt(0f)).fma(wh, s0);
            s1 = a1.blend(0f, a1.lt(0f)).fma(wh, s1);
            s2 = a2.blend(0f, a2.lt(0f)).fma(wh, s2);
            s3 = a3.blend(0f, a3.lt(0f)).fma(wh, s3);
        }
        s0.intoArray(out, oo);
        s1.intoArray(out, oo + L);
        s2.intoArray(out, oo + 2 * L);
        s3.intoArray(out, oo + 3 * L);
    }

    /** The plain twin of {@link #score}. */
    public static void scoreScalar(float[] q, int qo, float[] w, int wo, int heads, int dim, float[] kt, int ko, int stride, int n, float[] out, int oo) {
        for (int i = 0; i < n; i++) {
            float s = 0;
            for (int h = 0; h < heads; h++) {
                float dot = 0;
                for (int d = 0; d < dim; d++) dot += q[qo + h * dim + d] * kt[ko + d * stride + i];
                s += w[wo + h] * Math.max(dot, 0f);
            }
            out[oo + i] = s;
        }
    }
}
