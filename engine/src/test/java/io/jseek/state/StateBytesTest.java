package io.jseek.state;

import io.jseek.model.ModelGenerator;
import io.jseek.model.ModelInfo;
import io.jseek.model.Transformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a decode state allocates agrees with the analytical figure of spec §9, for every storage layout. */
class StateBytesTest {
    @TempDir
    Path tmp;

    @Test
    void measuredStateBytesMatchTheAnalyticalFigure() {
        ModelGenerator.write(ModelGenerator.preset("tiny"), 5, tmp, null);
        int T = 1000;
        for (KvLayout layout : KvLayout.values()) {
            try (Transformer m = Transformer.load(tmp, 2, layout)) {
                int V = m.config().vocabSize();
                int[] ids = new int[T];
                for (int t = 0; t < T; t++) ids[t] = (t * 7919 + 13) % V;
                DecodeState st = m.newState();
                StateSize size = StateSize.of(m.config(), layout);
                assertEquals(size.fixedBytes(), st.bytes(), layout + ": a fresh state is the fixed part");
                m.forward(st, ids, 0, T, null, false, null);
                long measured = st.bytes(), predicted = size.at(T);
                System.out.printf("kv %s: %d tokens, measured %d B, analytical %d B (%.1f B/token + %d fixed)%n",
                        layout.id, T, measured, predicted, size.bytesPerToken(), size.fixedBytes());
                assertTrue(Math.abs(measured - predicted) <= 0.05 * predicted, layout + ": measured " + measured + " vs " + predicted);
                assertEquals(predicted, ModelInfo.of(m.config(), m.checkpoint(), layout).stateBytesAt(T));
            }
        }
    }

    @Test
    void compactLayoutsStillGiveTheSameLogitsWhateverTheChunking() {
        ModelGenerator.write(ModelGenerator.preset("tiny"), 6, tmp, null);
        for (KvLayout layout : new KvLayout[]{KvLayout.BF16, KvLayout.FP4}) {
            try (Transformer m = Transformer.load(tmp, 2, layout)) {
                int V = m.config().vocabSize(), T = 70;
                int[] ids = new int[T];
                for (int t = 0; t < T; t++) ids[t] = (t * 31 + 7) % V;
                float[] a = new float[V], b = new float[V];
                m.forward(m.newState(), ids, 0, T, a, false, null);
                DecodeState st = m.newState();
                m.forward(st, ids, 0, 33, null, false, null);
                for (int t = 33; t < T; t++) m.forward(st, ids, t, 1, b, false, null);
                float worst = 0;
                for (int v = 0; v < V; v++) worst = Math.max(worst, Math.abs(a[v] - b[v]));
                // f32 chunkings differ by ~1e-6; a rounding boundary crossed in storage makes that one ulp of the format
                assertTrue(worst < 2e-3, layout + ": chunked vs one-shot " + worst);
            }
        }
    }
}
