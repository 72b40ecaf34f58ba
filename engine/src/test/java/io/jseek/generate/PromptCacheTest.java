package io.jseek.generate;

import io.jseek.model.ModelGenerator;
import io.jseek.model.Transformer;
import io.jseek.state.DecodeState;
import io.jseek.state.KvLayout;
import io.jseek.state.StateFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saved decode states restore bit-identically; every kind of bad file is refused; the cache is capped LRU. */
class PromptCacheTest {
    @TempDir
    static Path models;
    static Transformer model, other;
    static int[] ids;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        ModelGenerator.write(ModelGenerator.preset("tiny"), 11, models.resolve("a"), null);
        ModelGenerator.write(ModelGenerator.preset("tiny"), 12, models.resolve("b"), null);
        model = Transformer.load(models.resolve("a"), 2);
        other = Transformer.load(models.resolve("b"), 2);
        ids = new int[120];
        for (int t = 0; t < ids.length; t++) ids[t] = (t * 7919 + 3) % model.config().vocabSize();
    }

    @AfterAll
    static void close() {
        model.close();
        other.close();
    }

    private static DecodeState prefilled(Transformer m, int n) {
        DecodeState st = m.newState();
        m.forward(st, ids, 0, n, null, false, null);
        return st;
    }

    private static float[] continueFrom(Transformer m, DecodeState st, int from, int to) {
        int V = m.config().vocabSize();
        float[] all = new float[(to - from) * V];
        m.forward(st, ids, from, to - from, all, true, null);
        return all;
    }

    @Test
    void restoredStatesGiveBitIdenticalLogits() throws IOException {
        for (KvLayout layout : new KvLayout[]{KvLayout.F32, KvLayout.FP4}) {
            try (Transformer m = Transformer.load(models.resolve("a"), 2, layout)) {
                int n = 77; // mid-window for every ratio: compressor windows are part of the state
                DecodeState st = prefilled(m, n);
                Path f = tmp.resolve(layout.id + StateFile.SUFFIX);
                StateFile.write(f, m.identity(), ids, n, st);
                DecodeState back = m.newState();
                assertArrayEquals(Arrays.copyOf(ids, n), StateFile.read(f, m.identity(), back));
                assertEquals(n, back.position());
                assertEquals(st.bytes(), back.bytes());
                float[] a = continueFrom(m, st, n, ids.length), b = continueFrom(m, back, n, ids.length);
                assertTrue(Arrays.equals(a, b), layout + ": restored logits differ");
            }
        }
    }

    private Path saved(int n) throws IOException {
        Path f = tmp.resolve("s" + n + StateFile.SUFFIX);
        StateFile.write(f, model.identity(), ids, n, prefilled(model, n));
        return f;
    }

    private static void edit(Path f, Consumer<ByteBuffer> change) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f));
        change.accept(b);
        Files.write(f, b.array());
    }

    @Test
    void everyKindOfBadFileIsRefused() throws IOException {
        Path good = saved(50);
        long size = Files.size(good);
        List<String> cases = new ArrayList<>();
        List<Path> bad = new ArrayList<>();
        for (long cut : new long[]{0, 5, 40, size / 2, size - 1}) {
            Path f = Files.copy(good, tmp.resolve("cut" + cut));
            try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            cases.add("truncated to " + cut);
            bad.add(f);
        }
        for (long at : new long[]{20, 60, size / 2, size - 2}) {
            Path f = Files.copy(good, tmp.resolve("flip" + at));
            edit(f, b -> b.put((int) at, (byte) (b.get((int) at) ^ 0x10)));
            cases.add("flipped byte at " + at);
            bad.add(f);
        }
        Path version = Files.copy(good, tmp.resolve("version"));
        edit(version, b -> b.putInt(8, StateFile.VERSION + 1));
        cases.add("future version");
        bad.add(version);
        Path padded = Files.copy(good, tmp.resolve("padded"));
        Files.write(padded, new byte[7], java.nio.file.StandardOpenOption.APPEND);
        cases.add("trailing garbage");
        bad.add(padded);
        Path foreign = tmp.resolve("foreign");
        StateFile.write(foreign, other.identity(), ids, 50, prefilled(other, 50));
        cases.add("another model");
        bad.add(foreign);
        Path text = Files.writeString(tmp.resolve("text"), "{\"not\": \"a state\"}");
        cases.add("not a state file");
        bad.add(text);
        for (int i = 0; i < bad.size(); i++) {
            Path f = bad.get(i);
            assertThrows(StateFile.Invalid.class, () -> StateFile.read(f, model.identity(), model.newState()), cases.get(i));
        }
        try (Transformer fp8 = Transformer.load(models.resolve("a"), 2, KvLayout.FP8)) {
            assertThrows(StateFile.Invalid.class, () -> StateFile.read(good, fp8.identity(), fp8.newState()), "other kv layout");
        }
        assertEquals(50, StateFile.read(good, model.identity(), model.newState()).length);
    }

    @Test
    void cacheIgnoresDamagedFilesAndServesTheLongestPrefix() throws IOException {
        Path dir = tmp.resolve("cache");
        try (PromptCache pc = new PromptCache(dir, 1L << 30, model.identity(), model::newState)) {
            pc.save(ids, 40, prefilled(model, 40));
            pc.save(ids, 90, prefilled(model, 90));
            pc.flush();
            assertEquals(2, pc.size());
            assertEquals(90, pc.lookup(ids, 100, 0).tokens());
            assertEquals(40, pc.lookup(ids, 60, 0).tokens());
            assertNull(pc.lookup(ids, 90, 40), "a prefix must leave a prompt token and beat the memory level");
            int[] otherPrompt = ids.clone();
            otherPrompt[3]++;
            assertNull(pc.lookup(otherPrompt, 100, 0));
        }
        // damage the longer entry behind the cache's back: a restarted cache falls back to the shorter one
        Path longer;
        try (var files = Files.list(dir)) {
            longer = files.max(java.util.Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
        }
        edit(longer, b -> b.put(b.limit() / 2, (byte) (b.get(b.limit() / 2) ^ 1)));
        Files.write(dir.resolve("junk" + StateFile.SUFFIX), new byte[0]);
        Files.write(dir.resolve("x" + StateFile.SUFFIX + ".tmp123"), new byte[10]); // an interrupted write is no entry
        try (PromptCache pc = new PromptCache(dir, 1L << 30, model.identity(), model::newState)) {
            PromptCache.Hit hit = pc.lookup(ids, 100, 0);
            assertNotNull(hit);
            assertEquals(40, hit.tokens());
            float[] a = continueFrom(model, hit.state(), 40, 60), b = continueFrom(model, prefilled(model, 40), 40, 60);
            assertTrue(Arrays.equals(a, b));
        }
        try (PromptCache pc = new PromptCache(dir, 1L << 30, other.identity(), other::newState)) {
            assertNull(pc.lookup(ids, 100, 0), "another model's files are never used");
        }
    }

    @Test
    void sizeCapEvictsTheLeastRecentlyUsed() throws IOException {
        Path dir = tmp.resolve("lru");
        long one;
        try (PromptCache probe = new PromptCache(tmp.resolve("probe"), 1L << 30, model.identity(), model::newState)) {
            probe.save(ids, 60, prefilled(model, 60));
            probe.flush();
            one = probe.bytes();
        }
        try (PromptCache pc = new PromptCache(dir, 2 * one + one / 2, model.identity(), model::newState)) {
            int[] a = ids.clone(), b = ids.clone(), c = ids.clone();
            b[0] ^= 1;
            c[0] ^= 2;
            pc.save(a, 60, prefilled(model, 60));
            pc.flush();
            pc.save(b, 60, prefilled(model, 60));
            pc.flush();
            assertNotNull(pc.lookup(a, 61, 0)); // a is now more recent than b
            pc.save(c, 60, prefilled(model, 60));
            pc.flush();
            assertEquals(2, pc.size());
            assertTrue(pc.bytes() <= 2 * one + one / 2);
            assertNotNull(pc.lookup(a, 61, 0));
            assertNull(pc.lookup(b, 61, 0), "the least recently used entry went");
            assertNotNull(pc.lookup(c, 61, 0));
            try (var files = Files.list(dir)) {
                assertEquals(2, files.count());
            }
        }
    }

    @Test
    void concurrentSavesAndLookupsStayConsistent() throws Exception {
        Path dir = tmp.resolve("conc");
        DecodeState st = prefilled(model, 48);
        try (PromptCache pc = new PromptCache(dir, 1L << 30, model.identity(), model::newState);
             PromptCache pc2 = new PromptCache(dir, 1L << 30, model.identity(), model::newState)) {
            ExecutorService ex = Executors.newFixedThreadPool(4);
            List<Future<?>> fs = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                PromptCache c = k % 2 == 0 ? pc : pc2; // two caches on one directory, as two processes would be
                fs.add(ex.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        c.save(ids, 48, st);
                        PromptCache.Hit h = c.lookup(ids, 100, 0);
                        if (h != null) assertEquals(48, h.state().position());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            ex.shutdown();
            pc.flush();
            pc2.flush();
            assertEquals(48, pc.lookup(ids, 100, 0).tokens());
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "one entry, no leftovers");
        }
    }
}
