package io.jseek.generate;

import io.jseek.model.ModelGenerator;
import io.jseek.model.Transformer;
import io.jseek.state.DecodeState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

/** Step-level scheduling, prefix reuse via DecodeState copies, admission limits. */
class SchedulerTest {
    static Transformer model;
    static final int[] PROMPT = {5, 17, 300, 42, 99, 7, 123, 64, 512, 3, 88, 41, 200};

    @BeforeAll
    static void load() throws Exception {
        Path dir = Files.createTempDirectory("jseek-sched");
        ModelGenerator.write(ModelGenerator.preset("tiny"), 3, dir, null);
        model = Transformer.load(dir, 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Collects tokens until {@code n} were generated. */
    static class Collect implements TokenSink {
        final List<Integer> ids = new ArrayList<>();
        final CompletableFuture<FinishReason> end = new CompletableFuture<>();
        int cached;

        @Override
        public boolean onToken(int id) {
            ids.add(id);
            return true;
        }

        @Override
        public void onEnd(Sequence s, FinishReason reason, Throwable error) {
            cached = s.cachedTokens();
            if (error != null) end.completeExceptionally(error);
            else end.complete(reason);
        }
    }

    static SamplingParams greedy(int n) {
        return new SamplingParams(0, 1, 0, 0, 0, 0, 0L, n, List.of());
    }

    static Collect run(Scheduler s, int[] prompt, int n) throws Exception {
        Collect c = new Collect();
        s.submit(prompt, greedy(n), c);
        assertEquals(FinishReason.LENGTH, c.end.get());
        return c;
    }

    @Test
    void copiedStateContinuesExactlyLikeTheOriginal() {
        int V = model.config().vocabSize();
        DecodeState a = model.newState();
        model.forward(a, PROMPT, 0, PROMPT.length, null, false, null);
        DecodeState b = a.copy();
        float[] la = new float[V], lb = new float[V];
        model.forward(b, new int[]{9}, 0, 1, lb, false, null); // diverge the copy first
        DecodeState c = a.copy();
        model.forward(a, new int[]{77}, 0, 1, la, false, null);
        model.forward(c, new int[]{77}, 0, 1, lb, false, null);
        assertArrayEquals(la, lb, "the copy is independent of what was done to another copy");
        assertEquals(a.position(), c.position());
        assertEquals(a.bytes(), c.bytes());
    }

    @Test
    void prefixCacheHitGivesTheSameTokens() throws Exception {
        List<Integer> plain;
        try (Scheduler s = new Scheduler(model, new Scheduler.Config(2, 4, 256, 1L << 30, 0, 4))) {
            Collect c = run(s, PROMPT, 6);
            assertEquals(0, c.cached);
            plain = c.ids;
        }
        try (Scheduler s = new Scheduler(model, new Scheduler.Config(2, 4, 256, 1L << 30, 4, 4))) {
            assertEquals(plain, run(s, PROMPT, 6).ids);
            Collect again = run(s, PROMPT, 6);
            assertEquals(PROMPT.length - 1, again.cached, "all but the last prompt token come from the cache");
            assertEquals(plain, again.ids);
            // a follow-up that extends prompt + reply reuses the finished sequence's state
            int[] longer = new int[PROMPT.length + 6 + 2];
            System.arraycopy(PROMPT, 0, longer, 0, PROMPT.length);
            for (int i = 0; i < 6; i++) longer[PROMPT.length + i] = plain.get(i);
            longer[longer.length - 2] = 11;
            longer[longer.length - 1] = 12;
            assertEquals(PROMPT.length + 5, run(s, longer, 2).cached);
            assertTrue(s.cachedPromptTokens() >= 2L * PROMPT.length);
        }
    }

    @Test
    void concurrentSequencesInterleaveAndMatchSoloRuns() throws Exception {
        try (Scheduler s = new Scheduler(model, new Scheduler.Config(3, 4, 256, 1L << 30, 0, 4))) {
            int[][] prompts = {{1, 2, 3, 4, 5}, {9, 8, 7}, {100, 200, 300, 400, 500, 600, 700}};
            List<List<Integer>> solo = new ArrayList<>();
            for (int[] p : prompts) solo.add(run(s, p, 5).ids);
            List<Collect> together = new ArrayList<>();
            for (int[] p : prompts) {
                Collect c = new Collect();
                s.submit(p, greedy(5), c);
                together.add(c);
            }
            for (int i = 0; i < prompts.length; i++) {
                assertEquals(FinishReason.LENGTH, together.get(i).end.get());
                assertEquals(solo.get(i), together.get(i).ids);
            }
        }
    }

    @Test
    void stateBudgetAdmitsOneAtATimeWhenTight() throws Exception {
        // a 1-byte budget: a second sequence waits for the first instead of failing
        try (Scheduler s = new Scheduler(model, new Scheduler.Config(2, 4, 256, 1, 2, 4))) {
            int[] maxActive = {0};
            List<Collect> all = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Collect c = new Collect() {
                    @Override
                    public boolean onToken(int id) {
                        maxActive[0] = Math.max(maxActive[0], s.active());
                        return super.onToken(id);
                    }
                };
                s.submit(PROMPT, greedy(4), c);
                all.add(c);
            }
            for (Collect c : all) assertEquals(FinishReason.LENGTH, c.end.get());
            assertEquals(1, maxActive[0]);
            long deadline = System.currentTimeMillis() + 5000; // gauges are refreshed at the end of each round
            while (s.stateBytes() != 0 && System.currentTimeMillis() < deadline) Thread.sleep(5);
            assertEquals(0, s.stateBytes(), "nothing is cached beyond the budget");
        }
    }

    @Test
    void admissionLimits() throws Exception {
        try (Scheduler s = new Scheduler(model, new Scheduler.Config(1, 0, 64, 1L << 30, 0, 4))) {
            assertThrows(PromptTooLongException.class, () -> s.submit(new int[64], greedy(1), new Collect()));
            CountDownLatch started = new CountDownLatch(1);
            Collect blocker = new Collect() {
                @Override
                public boolean onToken(int id) {
                    started.countDown();
                    return super.onToken(id);
                }
            };
            Sequence first = s.submit(PROMPT, greedy(50), blocker);
            started.await();
            assertThrows(OverloadedException.class, () -> s.submit(PROMPT, greedy(1), new Collect()));
            first.cancel();
            assertEquals(FinishReason.CANCELLED, blocker.end.get());
            // the context caps max_tokens instead of failing
            assertEquals(64 - PROMPT.length, run(s, PROMPT, 1000).ids.size());
        }
    }

    @Test
    void promptCacheServesARestartedScheduler() throws Exception {
        Path dir = Files.createTempDirectory("jseek-pc");
        int[] prompt = new int[300]; // longer than a prefill chunk
        for (int i = 0; i < prompt.length; i++) prompt[i] = (i * 37 + 11) % model.config().vocabSize();
        var cfg = new Scheduler.Config(1, 4, 1024, 1L << 30, 0, 128); // no memory level: only the disk can hit
        Collect first;
        try (Scheduler s = new Scheduler(model, cfg, new PromptCache(dir, 1L << 30, model.identity(), model::newState))) {
            first = run(s, prompt, 4);
            assertEquals(0, first.cached);
            assertEquals(prompt.length - 1, s.prefilledTokens());
            assertEquals(0, s.prefillRemaining());
        }
        try (Scheduler s = new Scheduler(model, cfg, new PromptCache(dir, 1L << 30, model.identity(), model::newState))) {
            Collect again = run(s, prompt, 4);
            assertEquals(prompt.length - 1, again.cached);
            assertEquals(prompt.length - 1, s.cachedPromptTokens());
            assertEquals(0, s.prefilledTokens(), "nothing recomputed");
            assertEquals(first.ids, again.ids);
        }
    }
}
