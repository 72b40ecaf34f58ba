package io.jseek.cli;

import io.jseek.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stable CLI forms used by other tools: logits JSON against the golden reference, exit codes, one-line errors. */
class CliTest {
    static final Path GOLDEN = Path.of("../engine/src/test/resources/golden");

    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static List<List<Number>> rows(Map<String, Object> o, String key) {
        return (List<List<Number>>) o.get(key);
    }

    @Test
    void logitsMatchGoldenInEveryMode() throws Exception {
        Map<String, Object> g = Json.parseObject(Files.readString(GOLDEN.resolve("tiny.golden.json")));
        List<?> tokens = ((List<?>) g.get("tokens")).subList(0, 40);
        String ids = String.join(",", tokens.stream().map(String::valueOf).toList());
        List<List<Number>> ref = rows(g, "logits");
        Map<String, Object> mtpRef = (Map<String, Object>) g.get("mtp");
        for (String[] mode : new String[][]{{}, {"--decode"}, {"--prefill", "13"}}) {
            Path out = tmp.resolve("l.json");
            String[] args = concat(new String[]{"logits", "--model", GOLDEN.resolve("tiny").toString(), "--tokens", ids, "--out", out.toString(), "--mtp", "--threads", "1", "--kv-dtype", "f32"}, mode);
            assertEquals(0, Main.run(args));
            Map<String, Object> o = Json.parseObject(Files.readString(out));
            assertEquals(40, rows(o, "logits").size());
            assertEquals(39, rows(o, "mtp_logits").size());
            double worst = 0;
            for (int t = 0; t < 40; t++) {
                for (int v = 0; v < 256; v++) {
                    worst = Math.max(worst, Math.abs(rows(o, "logits").get(t).get(v).doubleValue() - ref.get(t).get(v).doubleValue()));
                    if (t < 39) worst = Math.max(worst, Math.abs(rows(o, "mtp_logits").get(t).get(v).doubleValue()
                            - rows(mtpRef, "logits").get(t).get(v).doubleValue()));
                }
            }
            assertTrue(worst <= 1e-4, String.join(" ", mode) + ": max |dlogit| " + worst);
        }
    }

    /** bench --json with a context fill and decode probes: the fields other tools read. */
    @Test
    @SuppressWarnings("unchecked")
    void benchJsonReportsDecodeAtEachDepth() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Main.run("bench", "--model", GOLDEN.resolve("tiny").toString(), "--prompt", "32", "--context", "200", "--decode-at", "100,32,64,999",
                    "--gen", "2", "--runs", "1", "--no-warmup", "--threads", "1", "--json");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, rc);
        Map<String, Object> o = Json.parseObject(out.toString(StandardCharsets.UTF_8).trim());
        assertEquals(200, ((Number) o.get("context_tokens")).intValue());
        Map<String, Object> byDepth = (Map<String, Object>) o.get("decode_ms_per_token_at_depth");
        assertEquals(List.of("32", "64", "100", "200"), List.copyOf(byDepth.keySet()), "probes in order (one at the prompt length), out-of-range ones dropped, the final depth last");
        for (Object ms : byDepth.values()) assertTrue(((Number) ms).doubleValue() > 0);
        for (String k : new String[]{"prefill_tokens_per_s", "decode_tokens_per_s", "bytes_per_token", "read_bandwidth_gb_s", "roofline_fraction"}) {
            assertTrue(((Number) o.get(k)).doubleValue() > 0, k);
        }
        // stores grow by 8-row blocks, which at 202 tokens is a few percent (StateBytesTest checks 5% at 1,000)
        assertEquals(((Number) o.get("state_bytes_analytical")).doubleValue(), ((Number) o.get("state_bytes_measured")).doubleValue(),
                0.1 * ((Number) o.get("state_bytes_analytical")).doubleValue());
    }

    @Test
    void errorsAreOneLineAndExitNonZero() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int rc;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            rc = new picocli.CommandLine(new Main()).setErr(new java.io.PrintWriter(System.err, true))
                    .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                        cmd.getErr().println("jseek: " + Main.describe(ex));
                        return 1;
                    })
                    .execute("logits", "--model", GOLDEN.resolve("tiny").toString(), "--tokens", "1,2,999", "--out", tmp.resolve("x").toString());
        } finally {
            System.setErr(old);
        }
        assertEquals(1, rc);
        String msg = err.toString(StandardCharsets.UTF_8).trim();
        assertEquals("jseek: token id 999 is outside the vocabulary (0..255)", msg);
    }

    @Test
    void badArgumentsExitNonZero() {
        assertEquals(1, Main.run("logits", "--model", tmp.resolve("none").toString(), "--tokens", "1", "--out", tmp.resolve("x").toString()));
        assertEquals(1, Main.run("logits", "--model", GOLDEN.resolve("tiny").toString(), "--tokens", "1,a", "--out", tmp.resolve("x").toString()));
        assertEquals(1, Main.run("logits", "--model", GOLDEN.resolve("tiny").toString(), "--tokens", "1,2", "--prefill", "3", "--out", tmp.resolve("x").toString()));
        assertTrue(Main.run("logits", "--decode", "--prefill", "1") != 0);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
