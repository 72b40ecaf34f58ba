package io.jseek.model;

import io.jseek.state.DecodeState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forward pass against float64 references of the spec (tolerance 1e-4 on logits, stated in
 * the golden README): full prefill, token-by-token decode, prefill/decode splits, chunked prefill,
 * MTP, expert routes and indexer selections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenForwardTest {
    static final double TOL = 1e-4;
    final Map<String, Golden> golden = new HashMap<>();
    final Map<String, Transformer> models = new HashMap<>();

    @BeforeAll
    void load() {
        for (String name : List.of("tiny", "multiblock")) {
            golden.put(name, new Golden(name));
            models.put(name, Transformer.load(Golden.checkpoint(name), 2));
        }
    }

    @AfterAll
    void close() {
        models.values().forEach(Transformer::close);
    }

    private float[] run(String name, int... chunks) {
        Golden g = golden.get(name);
        Transformer m = models.get(name);
        int T = g.tokens.length, V = m.config().vocabSize();
        float[] logits = new float[T * V];
        float[] row = new float[T * V];
        DecodeState st = m.newState();
        int off = 0;
        for (int c = 0; off < T; c++) {
            int len = c < chunks.length ? Math.min(chunks[c], T - off) : 1;
            m.forward(st, g.tokens, off, len, row, true, null);
            System.arraycopy(row, 0, logits, off * V, len * V);
            off += len;
        }
        assertEquals(T, st.position());
        return logits;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "multiblock"})
    void fullForwardMatchesReference(String name) {
        Golden g = golden.get(name);
        double diff = Golden.maxDiff(Golden.matrix(g.root.get("logits")), run(name, g.tokens.length));
        System.out.printf("%s full forward: max |dlogit| = %.3g%n", name, diff);
        assertTrue(diff <= TOL, name + " full forward max |dlogit| = " + diff);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "multiblock"})
    void tokenByTokenDecodeMatchesReference(String name) {
        Golden g = golden.get(name);
        double diff = Golden.maxDiff(Golden.matrix(g.root.get("logits_incremental")), run(name));
        System.out.printf("%s decode: max |dlogit| = %.3g%n", name, diff);
        assertTrue(diff <= TOL, name + " decode max |dlogit| = " + diff);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 64, 99})
    void anyPrefillThenDecodeSplitMatches(int k) {
        for (String name : List.of("tiny", "multiblock")) {
            double diff = Golden.maxDiff(Golden.matrix(golden.get(name).root.get("logits")), run(name, k));
            assertTrue(diff <= TOL, name + " prefill " + k + " + decode: max |dlogit| = " + diff);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "multiblock"})
    void chunkedPrefillMatches(String name) {
        double[][] ref = Golden.matrix(golden.get(name).root.get("logits"));
        for (int[] chunks : new int[][]{{3, 5, 7, 11, 13, 17, 19, 25}, {4, 4, 4, 16, 16, 56}, {1, 6, 2, 9, 30, 52}}) {
            double diff = Golden.maxDiff(ref, run(name, chunks));
            assertTrue(diff <= TOL, name + " chunks " + Arrays.toString(chunks) + ": max |dlogit| = " + diff);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "multiblock"})
    void expertRoutesAndIndexerSelectionsMatch(String name) {
        Golden g = golden.get(name);
        Transformer m = models.get(name);
        int T = g.tokens.length;
        Map<Integer, int[][]> experts = new HashMap<>();
        Map<Integer, float[][]> weights = new HashMap<>();
        Map<Integer, List<int[]>> selections = new HashMap<>();
        m.trace(new Trace() {
            @Override
            public void experts(int layerId, int p0, int n, int k, int[] route, float[] w) {
                int[][] e = experts.computeIfAbsent(layerId, x -> new int[T][]);
                float[][] ww = weights.computeIfAbsent(layerId, x -> new float[T][]);
                for (int t = 0; t < n; t++) {
                    e[p0 + t] = Arrays.copyOfRange(route, t * k, t * k + k);
                    ww[p0 + t] = Arrays.copyOfRange(w, t * k, t * k + k);
                }
            }

            @Override
            public void indexer(int layerId, int p0, int n, int[] sel, int stride, int[] cnt) {
                List<int[]> s = selections.computeIfAbsent(layerId, x -> new ArrayList<>());
                for (int t = 0; t < n; t++) s.add(Arrays.copyOfRange(sel, t * stride, t * stride + cnt[t]));
            }
        });
        try {
            run(name, 37); // a prefill chunk and then decode steps both report
        } finally {
            m.trace(null);
        }
        List<Map<String, Object>> layers = g.layers();
        for (int l = 0; l < layers.size(); l++) {
            Map<String, Object> L = layers.get(l);
            double[][] refE = Golden.matrix(L.get("experts"));
            double[][] refW = Golden.matrix(L.get("expert_weights"));
            for (int t = 0; t < T; t++) {
                Map<Integer, Double> want = new HashMap<>(), got = new HashMap<>();
                for (int j = 0; j < refE[t].length; j++) want.put((int) refE[t][j], refW[t][j]);
                for (int j = 0; j < experts.get(l)[t].length; j++) got.put(experts.get(l)[t][j], (double) weights.get(l)[t][j]);
                assertEquals(want.keySet(), got.keySet(), name + " layer " + l + " token " + t + " experts");
                for (int e : want.keySet()) assertEquals(want.get(e), got.get(e), 1e-4, name + " layer " + l + " token " + t + " weight of expert " + e);
            }
            if (L.get("indexer_selected") != null) {
                List<?> refSel = (List<?>) L.get("indexer_selected");
                for (int t = 0; t < T; t++) {
                    assertArrayEquals(Golden.ints(refSel.get(t)), selections.get(l).get(t), name + " layer " + l + " query " + t + " indexer selection");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "multiblock"})
    void batchedDecodeOfSeveralSequencesMatchesEachAlone(String name) {
        Golden g = golden.get(name);
        Transformer m = models.get(name);
        int T = g.tokens.length, V = m.config().vocabSize();
        // three sequences that join the batch at different steps, one of them after a prefill
        int[][] seqs = new int[3][T];
        for (int t = 0; t < T; t++) {
            seqs[0][t] = g.tokens[t];
            seqs[1][t] = g.tokens[T - 1 - t];
            seqs[2][t] = g.tokens[(t * 7) % T];
        }
        int[] start = {0, 5, 17};
        float[][] alone = new float[3][];
        for (int s = 0; s < 3; s++) {
            alone[s] = new float[T * V];
            m.forward(m.newState(), seqs[s], 0, T, alone[s], true, null);
        }
        DecodeState[] st = {m.newState(), m.newState(), m.newState()};
        float[][] got = new float[3][T * V];
        float[] one = new float[17 * V];
        m.forward(st[2], seqs[2], 0, 17, one, true, null); // sequence 2 arrives with a 17-token prompt
        System.arraycopy(one, 0, got[2], 0, 17 * V);
        DecodeState[] active = new DecodeState[3];
        int[] tok = new int[3], which = new int[3];
        float[] logits = new float[3 * V];
        for (int step = 0; step < T + 17; step++) {
            int n = 0;
            for (int s = 0; s < 3; s++) {
                int p = st[s].position();
                if (step >= start[s] && p < T) {
                    active[n] = st[s];
                    tok[n] = seqs[s][p];
                    which[n++] = s;
                }
            }
            if (n == 0) break;
            int[] pos = new int[n];
            for (int i = 0; i < n; i++) pos[i] = active[i].position();
            m.decodeBatch(active, tok, n, logits);
            for (int i = 0; i < n; i++) System.arraycopy(logits, i * V, got[which[i]], pos[i] * V, V);
        }
        for (int s = 0; s < 3; s++) {
            double worst = 0;
            for (int i = 0; i < T * V; i++) worst = Math.max(worst, Math.abs(got[s][i] - alone[s][i]));
            assertTrue(worst <= TOL, name + " sequence " + s + " batched vs alone: " + worst);
        }
        assertTrue(Golden.maxDiff(Golden.matrix(g.root.get("logits")), got[0]) <= TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "multiblock"})
    void mtpMatchesReferenceFullAndIncremental(String name) {
        Golden g = golden.get(name);
        Transformer m = models.get(name);
        int T = g.tokens.length, V = m.config().vocabSize(), n = m.config().hcMult() * m.config().dim();
        double[][] ref = Golden.matrix(g.map("mtp").get("logits"));
        // full: main prefill, then the MTP block over rows 0..T-2
        DecodeState st = m.newState();
        float[] hidden = new float[T * n];
        m.forward(st, g.tokens, 0, T, null, false, hidden);
        float[] mtp = new float[(T - 1) * V];
        m.forwardMtp(st, hidden, g.tokens, 1, T - 1, mtp);
        double full = Golden.maxDiff(ref, mtp);
        // incremental: one main token, then the MTP row it completes
        DecodeState inc = m.newState();
        float[] h = new float[n], prev = new float[n], row = new float[V];
        float[] mtpInc = new float[(T - 1) * V];
        for (int t = 0; t < T; t++) {
            m.forward(inc, g.tokens, t, 1, row, false, h);
            if (t > 0) {
                m.forwardMtp(inc, prev, g.tokens, t, 1, row);
                System.arraycopy(row, 0, mtpInc, (t - 1) * V, V);
            }
            System.arraycopy(h, 0, prev, 0, n);
        }
        double incDiff = Golden.maxDiff(Golden.matrix(g.map("mtp").get("logits_incremental")), mtpInc);
        System.out.printf("%s MTP: full %.3g, incremental %.3g%n", name, full, incDiff);
        assertTrue(full <= TOL, name + " MTP full max |dlogit| = " + full);
        assertTrue(incDiff <= TOL, name + " MTP incremental max |dlogit| = " + incDiff);
    }
}
