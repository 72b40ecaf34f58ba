package io.jseek.model;

import io.jseek.state.DecodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generated checkpoints are deterministic, load through the validating reader, and run consistently. */
class ModelGeneratorTest {
    @TempDir
    Path tmp;

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        ModelGenerator.Preset p = ModelGenerator.preset("tiny");
        ModelGenerator.write(p, 7, tmp.resolve("a"), null);
        ModelGenerator.write(p, 7, tmp.resolve("b"), null);
        ModelGenerator.write(p, 8, tmp.resolve("c"), null);
        try (var files = Files.list(tmp.resolve("a"))) {
            for (Path f : files.toList()) {
                byte[] a = Files.readAllBytes(f), b = Files.readAllBytes(tmp.resolve("b").resolve(f.getFileName()));
                assertArrayEquals(a, b, f.getFileName().toString());
                if (f.getFileName().toString().endsWith(".safetensors")) {
                    assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(tmp.resolve("c").resolve(f.getFileName()))));
                }
            }
        }
    }

    @Test
    void generatedModelsLoadAndDecodeMatchesPrefill() {
        for (String name : List.of("tiny", "small")) {
            Path dir = tmp.resolve(name);
            ModelGenerator.write(ModelGenerator.preset(name), 3, dir, null);
            try (Transformer m = Transformer.load(dir, 2)) {
                int V = m.config().vocabSize(), T = 40;
                int[] ids = new int[T];
                for (int t = 0; t < T; t++) ids[t] = (t * 7919 + 13) % V;
                float[] full = new float[T * V];
                m.forward(m.newState(), ids, 0, T, full, true, null);
                DecodeState st = m.newState();
                float[] row = new float[V];
                double worst = 0, scale = 0;
                for (int t = 0; t < T; t++) {
                    m.forward(st, ids, t, 1, row, false, null);
                    for (int v = 0; v < V; v++) {
                        assertTrue(Float.isFinite(row[v]));
                        worst = Math.max(worst, Math.abs(row[v] - full[t * V + v]));
                        scale = Math.max(scale, Math.abs(full[t * V + v]));
                    }
                }
                assertTrue(worst <= 1e-4 * Math.max(1, scale), name + ": decode vs prefill " + worst);
                assertTrue(scale > 0.1, name + ": logits are not degenerate");
                ModelInfo info = ModelInfo.of(m.config(), m.checkpoint());
                assertTrue(info.activeParams() < info.totalParams());
            }
        }
    }

    @Test
    void benchPresetHasTheIssueShape() {
        var c = io.jseek.config.ModelConfig.parse(ModelGenerator.preset("bench").config());
        assertEquals(32768, c.vocabSize());
        assertEquals(2048, c.dim());
        assertArrayEquals(new int[]{0, 0, 4, 128, 4, 128, 4, 128}, c.compressRatios());
        assertEquals(32, c.nRoutedExperts());
        assertEquals(6, c.nActivatedExperts());
        assertEquals(1024, c.moeInterDim());
        assertEquals(512, c.indexTopK());
    }

    @Test
    void unknownPresetIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelGenerator.preset("huge"));
        assertTrue(e.getMessage().contains("known: tiny, small, medium, bench"));
    }
}
