package io.jseek.server;

import io.jseek.json.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** Raw HTTP: error envelopes and statuses, auth, limits, concurrent streams, client aborts. */
class HttpApiTest {
    static TestServer ts;
    static HttpClient http;

    @BeforeAll
    static void start() {
        ts = TestServer.get();
        http = HttpClient.newHttpClient();
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ts.base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return send("POST", path, body, "Authorization", "Bearer " + TestServer.KEY, "Content-Type", "application/json");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(HttpResponse<String> r) {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return (Map<String, Object>) Json.parseObject(r.body()).get("error");
    }

    private static String chat(String user, int maxTokens, boolean stream) {
        return Json.write(Map.of("model", "deepseek-chat", "temperature", 0, "max_tokens", maxTokens, "stream", stream,
                "messages", List.of(Map.of("role", "user", "content", user))));
    }

    @Test
    void healthModelsHeadAndMetrics() throws Exception {
        HttpResponse<String> h = send("GET", "/health", null);
        assertEquals(200, h.statusCode());
        Map<String, Object> health = Json.parseObject(h.body());
        assertEquals("ok", health.get("status"));
        for (String k : List.of("active_sequences", "queued", "prefill_remaining_tokens", "prefill_tokens_per_s")) assertTrue(health.get(k) instanceof Number, k);
        assertEquals(200, send("HEAD", "/", null).statusCode());
        HttpResponse<String> m = send("GET", "/models", null, "x-api-key", TestServer.KEY);
        assertEquals(200, m.statusCode());
        assertEquals("list", Json.parseObject(m.body()).get("object"));
        HttpResponse<String> metrics = send("GET", "/metrics", null, "Authorization", "Bearer " + TestServer.KEY);
        assertEquals(200, metrics.statusCode());
        for (String name : List.of("jseek_requests_total", "jseek_prompt_tokens_total", "jseek_generated_tokens_total",
                "jseek_queue_length", "jseek_active_sequences", "jseek_state_bytes", "jseek_prefill_tokens_total", "jseek_prefill_remaining_tokens",
                "jseek_prefill_tokens_per_second", "jseek_decode_tokens_per_second", "jseek_decode_seconds_total"))
            assertTrue(metrics.body().contains(name), name);
    }

    @Test
    void badJsonIs400InEachDialect() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":");
        assertEquals(400, r.statusCode());
        Map<String, Object> e = error(r);
        assertEquals("invalid_request_error", e.get("type"));
        assertTrue(((String) e.get("message")).startsWith("invalid JSON body"), (String) e.get("message"));

        HttpResponse<String> a = post("/v1/messages?beta=true", "[1,2]");
        assertEquals(400, a.statusCode());
        assertEquals("error", Json.parseObject(a.body()).get("type"));
        assertEquals("invalid_request_error", error(a).get("type"));

        HttpResponse<String> p = post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":7}");
        assertEquals(400, p.statusCode());
        assertTrue(((String) error(p).get("message")).contains("temperature"));
        assertEquals(400, post("/v1/chat/completions", "{\"messages\":[]}").statusCode());
    }

    @Test
    void unknownRouteIs404() throws Exception {
        HttpResponse<String> r = post("/v1/nothing/here", "{}");
        assertEquals(404, r.statusCode());
        assertTrue(((String) error(r).get("message")).contains("/v1/nothing/here"));
        assertEquals("not_found_error", error(post("/v1/messages/nope", "{}")).get("type"));
    }

    @Test
    void authIs401WithoutTheKey() throws Exception {
        HttpResponse<String> r = send("POST", "/v1/chat/completions", chat("hi", 2, false));
        assertEquals(401, r.statusCode());
        assertEquals("authentication_error", error(r).get("type"));
        HttpResponse<String> wrong = send("POST", "/v1/messages", "{}", "x-api-key", "nope");
        assertEquals(401, wrong.statusCode());
        assertEquals("authentication_error", error(wrong).get("type"));
        assertEquals(200, send("POST", "/v1/chat/completions", chat("hi", 2, false), "x-api-key", TestServer.KEY).statusCode());
    }

    @Test
    void oversizePromptAndBody() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chat("word ".repeat(TestServer.CONTEXT), 4, false));
        assertEquals(400, r.statusCode());
        assertEquals("context_length_exceeded", error(r).get("code"));
        HttpResponse<String> big = post("/v1/chat/completions", chat("x".repeat((int) TestServer.BODY_LIMIT), 4, false));
        assertEquals(413, big.statusCode());
        // a huge max_tokens is capped to the context, not refused
        HttpResponse<String> capped = post("/v1/chat/completions", chat("hi", 1_000_000_000, false));
        assertEquals(200, capped.statusCode());
    }

    @Test
    void rawCompletion() throws Exception {
        HttpResponse<String> r = post("/v1/completions", "{\"model\":\"x\",\"prompt\":\"Once upon\",\"max_tokens\":3,\"temperature\":0}");
        assertEquals(200, r.statusCode());
        Map<String, Object> j = Json.parseObject(r.body());
        assertEquals("text_completion", j.get("object"));
        @SuppressWarnings("unchecked") Map<String, Object> usage = (Map<String, Object>) j.get("usage");
        assertEquals((long) ts.engine.tokenizer().encode("Once upon").length, usage.get("prompt_tokens"));
    }

    private static long aborted() throws Exception {
        String prefix = "jseek_requests_total{route=\"/chat/completions\",status=\"499\"} ";
        return send("GET", "/metrics", null, "x-api-key", TestServer.KEY).body().lines()
                .filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length()))).sum();
    }

    @Test
    void nonStreamingClientDisconnectCancelsToo() throws Exception {
        long before = aborted();
        hangUpAfter(endless(false), "\r\n\r\n"); // a slow reply commits 200 early and sends keep-alive newlines
        awaitCancelled(before);
        // keep-alive newlines may precede the JSON of a slow reply; clients parse it unchanged
        HttpResponse<String> ok = post("/v1/chat/completions", chat("still there?", 200, false));
        assertEquals(200, ok.statusCode());
        assertTrue(Json.parseObject(ok.body().strip()).containsKey("choices"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void secondTurnReusesTheFirstTurnsPrompt() throws Exception {
        Map<String, Object> user1 = Map.of("role", "user", "content", "Plan a trip to the mountains");
        HttpResponse<String> r1 = post("/v1/chat/completions", Json.write(Map.of("model", "deepseek-v4-flash", "temperature", 0,
                "max_tokens", 5, "messages", List.of(user1))));
        assertEquals(200, r1.statusCode());
        Map<String, Object> j1 = Json.parseObject(r1.body());
        var msg = (Map<String, Object>) ((Map<String, Object>) ((List<?>) j1.get("choices")).getFirst()).get("message");
        long prompt1 = (Long) ((Map<String, Object>) j1.get("usage")).get("prompt_tokens");
        HttpResponse<String> r2 = post("/v1/chat/completions", Json.write(Map.of("model", "deepseek-v4-flash", "temperature", 0,
                "max_tokens", 2, "messages", List.of(user1,
                        Map.of("role", "assistant", "content", msg.get("content"), "reasoning_content", msg.get("reasoning_content")),
                        Map.of("role", "user", "content", "Shorter please")))));
        assertEquals(200, r2.statusCode());
        var u2 = (Map<String, Object>) Json.parseObject(r2.body()).get("usage");
        // thinking mode drops old reasoning, so turn 1's prompt up to "<｜Assistant｜>" is a prefix of turn 2's
        assertTrue((Long) u2.get("prompt_cache_hit_tokens") >= prompt1 - 1, r2.body());
        assertEquals((Long) u2.get("prompt_tokens"), (Long) u2.get("prompt_cache_hit_tokens") + (Long) u2.get("prompt_cache_miss_tokens"));
    }

    /** SSE data payloads of a streamed chat, without [DONE]; asserts the stream ends with it. */
    private static String streamedContent(String body) throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", body);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        StringBuilder content = new StringBuilder();
        List<String> lines = r.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertEquals("data: [DONE]", lines.getLast());
        for (String l : lines.subList(0, lines.size() - 1)) {
            @SuppressWarnings("unchecked") var choices = (List<Map<String, Object>>) Json.parseObject(l.substring(6)).get("choices");
            for (var c : choices) {
                @SuppressWarnings("unchecked") var delta = (Map<String, Object>) c.get("delta");
                if (delta.get("content") instanceof String s) content.append(s);
            }
        }
        return content.toString();
    }

    @Test
    void eightConcurrentStreamsMatchTheirSequentialReplies() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) expected.add(streamedContent(chat("Question number " + i, 10, true)));
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> got = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int k = i;
                got.add(pool.submit(() -> streamedContent(chat("Question number " + k, 10, true))));
            }
            for (int i = 0; i < 8; i++) assertEquals(expected.get(i), got.get(i).get(), "stream " + i);
        }
    }

    /** Sends a request on a raw socket, reads until {@code marker} has been seen, then closes the TCP connection. */
    private static void hangUpAfter(String body, String marker) throws Exception {
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", ts.server.port())) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            sock.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            sock.getOutputStream().write(b);
            sock.getOutputStream().flush();
            InputStream in = sock.getInputStream();
            StringBuilder seen = new StringBuilder();
            for (int c; !seen.toString().contains(marker) && (c = in.read()) >= 0; ) seen.append((char) c);
            assertTrue(seen.toString().contains(marker), seen.toString());
        }
    }

    private static String endless(boolean stream) {
        return Json.write(Map.of("model", "deepseek-chat", "stream", stream, "max_tokens", 100_000, "ignore_eos", true, "temperature", 1, "seed", 3,
                "messages", List.of(Map.of("role", "user", "content", "Go on forever"))));
    }

    private static void awaitCancelled(long before) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while ((ts.engine.scheduler().active() > 0 || aborted() == before) && System.currentTimeMillis() < deadline) Thread.sleep(20);
        assertEquals(0, ts.engine.scheduler().active(), "the abandoned sequence was cancelled");
        assertEquals(before + 1, aborted(), "logged as 499");
    }

    @Test
    void clientAbortCancelsGenerationAndTheServerCarriesOn() throws Exception {
        long before = aborted();
        hangUpAfter(endless(true), "\"content\":\"");
        awaitCancelled(before);
        assertEquals(200, post("/v1/chat/completions", chat("still there?", 3, false)).statusCode());
    }
}
