package io.jseek.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static io.jseek.kernels.VectorMath.F;
import static io.jseek.kernels.VectorMath.I;
import static io.jseek.kernels.VectorMath.L;

/**
 * Softmax attention of {@link #rows()} rows at once — each row a (query, head) pair held in one
 * vector lane, two vectors of rows — over keys that the rows share (HCA: every query sees a prefix
 * of the same compressed entries), evaluated online over tiles of keys: per row a running max
 * {@code m}, a running denominator {@code l} and an unnormalised output {@code ot}, rescaled when
 * the max rises. Starting from {@code m = sink, l = 1, ot = 0} and finishing with {@code ot / l}
 * gives the sink softmax of spec §4.4 (the sink logit enters the denominator as e^(sink − m)).
 *
 * <p>With the rows across lanes every softmax step is lane-wise (no horizontal sums), and keys are
 * read from their row-major storage as broadcast scalars, never transposed. The products keep
 * 2 row vectors × 8 keys (scores) or × 8 channels (output) of independent FMA chains in registers;
 * with 16-register AVX2 (8-lane vectors) the blocks are 2 × 4.
 *
 * <p>Layouts, with R = {@link #rows()}: {@code qt [dim][R]} (row j's query channel d at d·R + j),
 * scores {@code s [n][R]}, {@code ot [dim][R]}, {@code m, l, limit [R]}; keys row-major
 * {@code k [n][dim]}.
 */
public final class LaneAttention {
    private static final int R = 2 * L;
    /** 16-lane vectors come with 32 vector registers (AVX-512): room for 16 accumulators. */
    private static final int BLOCK = L >= 16 ? 8 : 4;
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    private LaneAttention() {
    }

    /** Rows per call: two vectors of lanes. */
    public static int rows() {
        return R;
    }

    /** s[so + e·R + j] = Σ_d qt[d·R + j]·k[ko + e·dim + d], e < n. */
    public static void scores(float[] qt, int dim, float[] k, int ko, int n, float[] s, int so) {
        int e = 0;
        if (BLOCK == 8) {
            for (; e + 8 <= n; e += 8) {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
                for (int d = 0, kd = ko + e * dim; d < dim; d++, kd++) {
                    FloatVector q0 = FloatVector.fromArray(F, qt, d * R), q1 = FloatVector.fromArray(F, qt, d * R + L);
                    FloatVector c = FloatVector.broadcast(F, k[kd]);
                    a0 = q0.fma(c, a0);
                    b0 = q1.fma(c, b0);
                    c = FloatVector.broadcast(F, k[kd + dim]);
                    a1 = q0.fma(c, a1);
                    b1 = q1.fma(c, b1);
                    c = FloatVector.broadcast(F, k[kd + 2 * dim]);
                    a2 = q0.fma(c, a2);
                    b2 = q1.fma(c, b2);
                    c = FloatVector.broadcast(F, k[kd + 3 * dim]);
                    a3 = q0.fma(c, a3);
                    b3 = q1.fma(c, b3);
                    c = FloatVector.broadcast(F, k[kd + 4 * dim]);
                    a4 = q0.fma(c, a4);
                    b4 = q1.fma(c, b4);
                    c = FloatVector.broadcast(F, k[kd + 5 * dim]);
                    a5 = q0.fma(c, a5);
                    b5 = q1.fma(c, b5);
                    c = FloatVector.broadcast(F, k[kd + 6 * dim]);
                    a6 = q0.fma(c, a6);
                    b6 = q1.fma(c, b6);
                    c = FloatVector.broadcast(F, k[kd + 7 * dim]);
                    a7 = q0.fma(c, a7);
                    b7 = q1.fma(c, b7);
                }
                int o = so + e * R;
                a0.intoArray(s, o);
                b0.intoArray(s, o + L);
                a1.intoArray(s, o + R);
                b1.intoArray(s, o + R + L);
                a2.intoArray(s, o + 2 * R);
                b2.intoArray(s, o + 2 * R + L);
                a3.intoArray(s, o + 3 * R);
                b3.intoArray(s, o + 3 * R + L);
                a4.intoArray(s, o + 4 * R);
                b4.intoArray(s, o + 4 * R + L);
                a5.intoArray(s, o + 5 * R);
                b5.intoArray(s, o + 5 * R + L);
                a6.intoArray(s, o + 6 * R);
                b6.intoArray(s, o + 6 * R + L);
                a7.intoArray(s, o + 7 * R);
                b7.intoArray(s, o + 7 * R + L);
            }
        }
        for (; e + 4 <= n; e += 4) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int d = 0, kd = ko + e * dim; d < dim; d++, kd++) {
                FloatVector q0 = FloatVector.fromArray(F, qt, d * R), q1 = FloatVector.fromArray(F, qt, d * R + L);
                FloatVector c = FloatVector.broadcast(F, k[kd]);
                a0 = q0.fma(c, a0);
                b0 = q1.fma(c, b0);
                c = FloatVector.broadcast(F, k[kd + dim]);
                a1 = q0.fma(c, a1);
                b1 = q1.fma(c, b1);
                c = FloatVector.broadcast(F, k[kd + 2 * dim]);
                a2 = q0.fma(c, a2);
                b2 = q1.fma(c, b2);
                c = FloatVector.broadcast(F, k[kd + 3 * dim]);
                a3 = q0.fma(c, a3);
                b3 = q1.fma(c, b3);
            }
            int o = so + e * R;
            a0.intoArray(s, o);
            b0.intoArray(s, o + L);
            a1.intoArray(s, o + R);
            b1.intoArray(s, o + R + L);
            a2.intoArray(s, o + 2 * R);
            b2.intoArray(s, o + 2 * R + L);
            a3.intoArray(s, o + 3 * R);
            b3.intoArray(s, o + 3 * R + L);
        }
        for (; e < n; e++) {
            FloatVector a = FloatVector.zero(F), b = a;
            for (int d = 0, kd = ko + e * dim; d < dim; d++, kd++) {
                FloatVector c = FloatVector.broadcast(F, k[kd]);
                a = FloatVector.fromArray(F, qt, d * R).fma(c, a);
                b = FloatVector.fromArray(F, qt, d * R + L).fma(c, b);
            }
            a.intoArray(s, so + e * R);
            b.intoArray(s, so + e * R + L);
        }
    }

    public static void scoresScalar(float[] qt, int dim, float[] k, int ko, int n, float[] s, int so) {
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < R; j++) {
                float a = 0;
                for (int d = 0; d < dim; d++) a += qt[d * R + j] * k[ko + e * dim + d];
                s[so + e * R + j] = a;
            }
        }
    }

    /**
     * One online-softmax step over the n score rows {@code s[so ..]} of keys e0 .. e0+n−1. Row j sees
     * only keys below {@code limit[j]} (causality; the others are masked out). With
     * {@code m' = max(m, max_e s_e)} and {@code f = e^(m − m')}: {@code l ← l·f + Σ_e e^(s_e − m')},
     * {@code ot ← ot·f}, {@code s_e ← e^(s_e − m')} (the weights for {@link #accumulate}), {@code m ← m'}.
     * The exponentials are {@link VectorMath#expScalar}'s, computed in the loop (see there).
     */
    public static void softmax(float[] s, int so, int n, int e0, int[] limit, float[] m, float[] l, float[] ot, int dim) {
        IntVector lim0 = IntVector.fromArray(I, limit, 0), lim1 = IntVector.fromArray(I, limit, L);
        long minLimit = Math.min(lim0.reduceLanes(VectorOperators.MIN), lim1.reduceLanes(VectorOperators.MIN));
        int unmasked = (int) Math.clamp(minLimit - e0, 0, n); // keys that every row sees
        FloatVector m0 = FloatVector.fromArray(F, m, 0), m1 = FloatVector.fromArray(F, m, L), x0 = m0, x1 = m1;
        for (int e = 0, o = so; e < n; e++, o += R) {
            FloatVector z0 = FloatVector.fromArray(F, s, o), z1 = FloatVector.fromArray(F, s, o + L);
            if (e >= unmasked) {
                VectorMask<Float> h0 = lim0.compare(VectorOperators.LE, e0 + e).cast(F), h1 = lim1.compare(VectorOperators.LE, e0 + e).cast(F);
                z0 = z0.blend(NEG_INF, h0);
                z1 = z1.blend(NEG_INF, h1);
                z0.intoArray(s, o);
                z1.intoArray(s, o + L);
            }
            x0 = x0.blend(z0, z0.compare(VectorOperators.GT, x0)); // cheaper than max (no NaN rules)
            x1 = x1.blend(z1, z1.compare(VectorOperators.GT, x1));
        }
        FloatVector l0 = FloatVector.fromArray(F, l, 0), l1 = FloatVector.fromArray(F, l, L);
        if (x0.compare(VectorOperators.GT, m0).or(x1.compare(VectorOperators.GT, m1)).anyTrue()) {
            m0.sub(x0).intoArray(m, 0); // f = e^(m − m'), through m's buffer
            m1.sub(x1).intoArray(m, L);
            VectorMath.expShifted(m, 0, R, 0f);
            FloatVector f0 = FloatVector.fromArray(F, m, 0), f1 = FloatVector.fromArray(F, m, L);
            l0 = l0.mul(f0);
            l1 = l1.mul(f1);
            for (int o = 0; o < dim * R; o += R) {
                FloatVector.fromArray(F, ot, o).mul(f0).intoArray(ot, o);
                FloatVector.fromArray(F, ot, o + L).mul(f1).intoArray(ot, o + L);
            }
        }
        FloatVector c4 = FloatVector.broadcast(F, VectorMath.C4), c3 = FloatVector.broadcast(F, VectorMath.C3);
        FloatVector c2 = FloatVector.broadcast(F, VectorMath.C2), one = FloatVector.broadcast(F, 1f);
        FloatVector ln2Hi = FloatVector.broadcast(F, -VectorMath.LN2_HI), lo = FloatVector.broadcast(F, VectorMath.EXP_MIN);
        for (int half = 0; half < 2; half++) { // lanes [0, L) then [L, R): one shift and one sum each
            FloatVector shift = half == 0 ? x0 : x1, den = half == 0 ? l0 : l1;
            for (int o = so + half * L, end = so + n * R; o < end; o += R) {
                // e^x as in VectorMath.expShifted (x ≤ 0 here, so only the lower clamp matters)
                FloatVector x = FloatVector.fromArray(F, s, o).sub(shift);
                x = x.blend(lo, x.compare(VectorOperators.LT, lo));
                FloatVector t = x.mul(VectorMath.LOG2E).add(VectorMath.ROUND), kf = t.sub(VectorMath.ROUND);
                FloatVector r = kf.fma(ln2Hi, x).add(kf.mul(-VectorMath.LN2_LO));
                FloatVector p = r.fma(VectorMath.C6, VectorMath.C5).fma(r, c4).fma(r, c3).fma(r, c2).fma(r, one).fma(r, one);
                IntVector scale = t.reinterpretAsInts().add(127).lanewise(VectorOperators.LSHL, 23);
                p = p.mul(scale.reinterpretAsFloats());
                p.intoArray(s, o);
                den = den.add(p);
            }
            if (half == 0) l0 = den;
            else l1 = den;
        }
        l0.intoArray(l, 0);
        l1.intoArray(l, L);
        x0.intoArray(m, 0);
        x1.intoArray(m, L);
    }

    public static void softmaxScalar(float[] s, int so, int n, int e0, int[] limit, float[] m, float[] l, float[] ot, int dim) {
        for (int j = 0; j < R; j++) {
            float mx = m[j];
            for (int e = 0; e < n; e++) {
                if (e0 + e >= limit[j]) s[so + e * R + j] = NEG_INF;
                mx = Math.max(mx, s[so + e * R + j]);
            }
            float f = VectorMath.expScalar(m[j] - mx);
            float den = l[j] * f;
            for (int d = 0; d < dim; d++) ot[d * R + j] *= f;
            for (int e = 0; e < n; e++) den += s[so + e * R + j] = VectorMath.expScalar(s[so + e * R + j] - mx);
            l[j] = den;
            m[j] = mx;
        }
    }

    /** ot[d·R + j] += Σ_e p[po + e·R + j]·k[ko + e·dim + d], e < n. */
    public static void accumulate(float[] p, int po, int n, float[] k, int ko, int dim, float[] ot) {
        int d = 0;
        if (BLOCK == 8) {
            for (; d + 8 <= dim; d += 8) {
                int o = d * R;
                FloatVector a0 = FloatVector.fromArray(F, ot, o), b0 = FloatVector.fromArray(F, ot, o + L);
                FloatVector a1 = FloatVector.fromArray(F, ot, o + R), b1 = FloatVector.fromArray(F, ot, o + R + L);
                FloatVector a2 = FloatVector.fromArray(F, ot, o + 2 * R), b2 = FloatVector.fromArray(F, ot, o + 2 * R + L);
                FloatVector a3 = FloatVector.fromArray(F, ot, o + 3 * R), b3 = FloatVector.fromArray(F, ot, o + 3 * R + L);
                FloatVector a4 = FloatVector.fromArray(F, ot, o + 4 * R), b4 = FloatVector.fromArray(F, ot, o + 4 * R + L);
                FloatVector a5 = FloatVector.fromArray(F, ot, o + 5 * R), b5 = FloatVector.fromArray(F, ot, o + 5 * R + L);
                FloatVector a6 = FloatVector.fromArray(F, ot, o + 6 * R), b6 = FloatVector.fromArray(F, ot, o + 6 * R + L);
                FloatVector a7 = FloatVector.fromArray(F, ot, o + 7 * R), b7 = FloatVector.fromArray(F, ot, o + 7 * R + L);
                for (int e = 0, kd = ko + d, pe = po; e < n; e++, kd += dim, pe += R) {
                    FloatVector w0 = FloatVector.fromArray(F, p, pe), w1 = FloatVector.fromArray(F, p, pe + L);
                    FloatVector c = FloatVector.broadcast(F, k[kd]);
                    a0 = w0.fma(c, a0);
                    b0 = w1.fma(c, b0);
                    c = FloatVector.broadcast(F, k[kd + 1]);
                    a1 = w0.fma(c, a1);
                    b1 = w1.fma(c, b1);
                    c = FloatVector.broadcast(F, k[kd + 2]);
                    a2 = w0.fma(c, a2);
                    b2 = w1.fma(c, b2);
                    c = FloatVector.broadcast(F, k[kd + 3]);
                    a3 = w0.fma(c, a3);
                    b3 = w1.fma(c, b3);
                    c = FloatVector.broadcast(F, k[kd + 4]);
                    a4 = w0.fma(c, a4);
                    b4 = w1.fma(c, b4);
                    c = FloatVector.broadcast(F, k[kd + 5]);
                    a5 = w0.fma(c, a5);
                    b5 = w1.fma(c, b5);
                    c = FloatVector.broadcast(F, k[kd + 6]);
                    a6 = w0.fma(c, a6);
                    b6 = w1.fma(c, b6);
                    c = FloatVector.broadcast(F, k[kd + 7]);
                    a7 = w0.fma(c, a7);
                    b7 = w1.fma(c, b7);
                }
                a0.intoArray(ot, o);
                b0.intoArray(ot, o + L);
                a1.intoArray(ot, o + R);
                b1.intoArray(ot, o + R + L);
                a2.intoArray(ot, o + 2 * R);
                b2.intoArray(ot, o + 2 * R + L);
                a3.intoArray(ot, o + 3 * R);
                b3.intoArray(ot, o + 3 * R + L);
                a4.intoArray(ot, o + 4 * R);
                b4.intoArray(ot, o + 4 * R + L);
                a5.intoArray(ot, o + 5 * R);
                b5.intoArray(ot, o + 5 * R + L);
                a6.intoArray(ot, o + 6 * R);
                b6.intoArray(ot, o + 6 * R + L);
                a7.intoArray(ot, o + 7 * R);
                b7.intoArray(ot, o + 7 * R + L);
            }
        }
        for (; d + 4 <= dim; d += 4) {
            int o = d * R;
            FloatVector a0 = FloatVector.fromArray(F, ot, o), b0 = FloatVector.fromArray(F, ot, o + L);
            FloatVector a1 = FloatVector.fromArray(F, ot, o + R), b1 = FloatVector.fromArray(F, ot, o + R + L);
            FloatVector a2 = FloatVector.fromArray(F, ot, o + 2 * R), b2 = FloatVector.fromArray(F, ot, o + 2 * R + L);
            FloatVector a3 = FloatVector.fromArray(F, ot, o + 3 * R), b3 = FloatVector.fromArray(F, ot, o + 3 * R + L);
            for (int e = 0, kd = ko + d, pe = po; e < n; e++, kd += dim, pe += R) {
                FloatVector w0 = FloatVector.fromArray(F, p, pe), w1 = FloatVector.fromArray(F, p, pe + L);
                FloatVector c = FloatVector.broadcast(F, k[kd]);
                a0 = w0.fma(c, a0);
                b0 = w1.fma(c, b0);
                c = FloatVector.broadcast(F, k[kd + 1]);
                a1 = w0.fma(c, a1);
                b1 = w1.fma(c, b1);
                c = FloatVector.broadcast(F, k[kd + 2]);
                a2 = w0.fma(c, a2);
                b2 = w1.fma(c, b2);
                c = FloatVector.broadcast(F, k[kd + 3]);
                a3 = w0.fma(c, a3);
                b3 = w1.fma(c, b3);
            }
            a0.intoArray(ot, o);
            b0.intoArray(ot, o + L);
            a1.intoArray(ot, o + R);
            b1.intoArray(ot, o + R + L);
            a2.intoArray(ot, o + 2 * R);
            b2.intoArray(ot, o + 2 * R + L);
            a3.intoArray(ot, o + 3 * R);
            b3.intoArray(ot, o + 3 * R + L);
        }
        for (; d < dim; d++) {
            int o = d * R;
            FloatVector a = FloatVector.fromArray(F, ot, o), b = FloatVector.fromArray(F, ot, o + L);
            for (int e = 0, kd = ko + d, pe = po; e < n; e++, kd += dim, pe += R) {
                FloatVector c = FloatVector.broadcast(F, k[kd]);
                a = FloatVector.fromArray(F, p, pe).fma(c, a);
                b = FloatVector.fromArray(F, p, pe + L).fma(c, b);
            }
            a.intoArray(ot, o);
            b.intoArray(ot, o + L);
        }
    }

    public static void accumulateScalar(float[] p, int po, int n, float[] k, int ko, int dim, float[] ot) {
        for (int d = 0; d < dim; d++) {
            for (int j = 0; j < R; j++) {
                float a = ot[d * R + j];
                for (int e = 0; e < n; e++) a += p[po + e * R + j] * k[ko + e * dim + d];
                ot[d * R + j] = a;
            }
        }
    }
}
