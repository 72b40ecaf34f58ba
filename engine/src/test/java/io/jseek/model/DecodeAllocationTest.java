package io.jseek.model;

import io.jseek.state.DecodeState;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decode loop allocates nothing per token once the JIT has compiled it (scratch lives in the
 * workspace and the state and is reused). Until C2 has compiled the Vector API kernels they run
 * interpreted and box every vector, so the test measures windows of 50 tokens until one is clean.
 */
class DecodeAllocationTest {
    @Test
    void decodeStepsDoNotAllocate() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Transformer m = Transformer.load(Golden.checkpoint("tiny"), 1)) {
            int V = m.config().vocabSize();
            float[] logits = new float[V];
            int[] one = new int[1];
            DecodeState st = m.newState();
            long tid = Thread.currentThread().threadId();
            long best = Long.MAX_VALUE;
            for (int window = 0; window < 200 && best >= 64; window++) {
                long before = mx.getThreadAllocatedBytes(tid);
                for (int t = 0; t < 50; t++) {
                    one[0] = (st.position() * 31 + 7) % V;
                    m.forward(st, one, 0, 1, logits, false, null);
                }
                best = Math.min(best, (mx.getThreadAllocatedBytes(tid) - before) / 50);
            }
            assertTrue(best < 64, "decode allocates " + best + " bytes per token at best (positions up to " + st.position() + ")");
        }
    }
}
