package io.jseek.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jseek.generate.ChatEngine;
import io.jseek.generate.OverloadedException;
import io.jseek.generate.PromptTooLongException;
import io.jseek.generate.Scheduler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP front end: OpenAI- and Anthropic-compatible routes on the JDK's HTTP server, one virtual
 * thread per request. {@code /v1}, {@code /beta} and {@code /anthropic} prefixes route like bare
 * paths; every response is logged as one line on stderr.
 */
public final class JseekServer implements AutoCloseable {
    /**
     * @param apiKey   required key (Bearer or x-api-key), or null for none
     * @param modelIds names listed by /v1/models; any name is accepted on requests
     */
    public record Options(String host, int port, String apiKey, long maxBodyBytes, List<String> modelIds, long keepAliveMillis) {
        public Options {
            if (maxBodyBytes < 1) throw new IllegalArgumentException("body limit must be positive");
            modelIds = List.copyOf(modelIds);
            if (modelIds.isEmpty()) throw new IllegalArgumentException("at least one model id");
            if (keepAliveMillis < 1) throw new IllegalArgumentException("keep-alive interval must be positive");
        }

        public static Options defaults(String host, int port, String apiKey) {
            return new Options(host, port, apiKey, 16L << 20,
                    List.of("deepseek-v4-flash", "deepseek-v4-pro", "deepseek-chat", "deepseek-reasoner"), 5000);
        }
    }

    private static final Set<String> ROUTES = Set.of("/models", "/metrics", "/chat/completions", "/completions",
            "/messages", "/messages/count_tokens");

    private final ChatEngine engine;
    private final Options options;
    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final OpenAiApi openAi;
    private final AnthropicApi anthropic;
    private final Metrics metrics = new Metrics();
    private final byte[] keyDigest;

    private JseekServer(ChatEngine engine, Options options) throws IOException {
        this.engine = engine;
        this.options = options;
        this.openAi = new OpenAiApi(engine, options.modelIds(), options.keepAliveMillis());
        this.anthropic = new AnthropicApi(engine, options.keepAliveMillis());
        this.keyDigest = options.apiKey() == null ? null : sha256(options.apiKey());
        this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /** Binds and starts serving (port 0 picks a free port, see {@link #port()}). */
    public static JseekServer start(ChatEngine engine, Options options) throws IOException {
        JseekServer s = new JseekServer(engine, options);
        s.http.start();
        return s;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        long t0 = System.nanoTime();
        String method = ex.getRequestMethod(), path = route(ex.getRequestURI().getPath());
        Call call = new Call(ex, path.startsWith("/messages") ? Dialect.ANTHROPIC : Dialect.OPENAI);
        try {
            dispatch(call, method, path);
        } catch (ApiException e) {
            fail(call, e);
        } catch (PromptTooLongException e) {
            fail(call, ApiException.contextLength(e.getMessage()));
        } catch (OverloadedException e) {
            fail(call, ApiException.overloaded(e.getMessage()));
        } catch (IllegalArgumentException e) {
            fail(call, ApiException.invalid(e.getMessage()));
        } catch (IOException e) {
            call.status = 499; // the client closed the connection before the response was complete
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            fail(call, ApiException.internal("internal error: " + e));
        } finally {
            call.close();
            // unknown paths share one label so scanners cannot grow the metric set
            metrics.request(ROUTES.contains(path) || path.equals("/health") || path.equals("/") ? path : "other", call.status);
            System.err.printf("jseek: %s %s %s %d %.1fms%n", ex.getRemoteAddress().getAddress().getHostAddress(), method,
                    ex.getRequestURI(), call.status, (System.nanoTime() - t0) / 1e6);
        }
    }

    private void dispatch(Call call, String method, String path) throws IOException, InterruptedException {
        if (path.equals("/") && (method.equals("HEAD") || method.equals("GET"))) {
            call.send(200, new byte[0]);
            return;
        }
        if (path.equals("/health")) {
            call.sendJson(200, health(engine.scheduler()));
            return;
        }
        if (!ROUTES.contains(path)) throw ApiException.notFound(method, call.ex.getRequestURI().getPath());
        authorize(call);
        boolean get = path.equals("/models") || path.equals("/metrics");
        if (!method.equals(get ? "GET" : "POST")) throw ApiException.methodNotAllowed(method, path);
        switch (path) {
            case "/models" -> openAi.models(call);
            case "/metrics" -> {
                call.ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                call.send(200, metrics.render(engine.scheduler()).getBytes(StandardCharsets.UTF_8));
            }
            case "/chat/completions" -> openAi.chat(call, call.json(options.maxBodyBytes()));
            case "/completions" -> openAi.completions(call, call.json(options.maxBodyBytes()));
            case "/messages" -> anthropic.messages(call, call.json(options.maxBodyBytes()));
            default -> anthropic.countTokens(call, call.json(options.maxBodyBytes()));
        }
    }

    /**
     * Liveness plus the progress of long prompts: tokens still to prefill over all active requests,
     * the prefill rate so far and the resulting estimate in seconds (no key needed, no prompt content).
     */
    static Map<String, Object> health(Scheduler s) {
        long left = s.prefillRemaining();
        double secs = s.prefillSeconds(), rate = secs > 0 ? s.prefilledTokens() / secs : 0;
        return Js.obj("status", "ok", "active_sequences", s.active(), "queued", s.queued(),
                "prefill_remaining_tokens", left, "prefill_tokens_per_s", Math.round(rate * 10) / 10.0,
                "prefill_eta_s", rate > 0 ? Math.round(left / rate * 10) / 10.0 : null);
    }

    /** Strips the optional /anthropic, /v1 and /beta segments so every spelling routes alike. */
    static String route(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (String prefix : new String[]{"/anthropic", "/v1", "/beta"}) {
            if (p.equals(prefix)) return "/";
            if (p.startsWith(prefix + "/")) p = p.substring(prefix.length());
        }
        return p;
    }

    private void authorize(Call call) {
        if (keyDigest == null) return;
        var h = call.ex.getRequestHeaders();
        String auth = h.getFirst("Authorization"), key = h.getFirst("x-api-key");
        if (key == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) key = auth.substring(7).trim();
        // constant-time comparison of digests: no timing oracle on the key
        if (key == null || !MessageDigest.isEqual(keyDigest, sha256(key))) throw ApiException.unauthorized();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void fail(Call call, ApiException e) {
        try {
            if (call.streaming()) {
                Map<String, Object> err = call.dialect.error(e);
                call.event(call.dialect == Dialect.ANTHROPIC ? "error" : null, err);
            } else { // after keep-alive newlines the status is already 200: the error object is the body
                call.sendJson(e.status, call.dialect.error(e));
            }
        } catch (IOException ignored) {
            // the client is gone; nothing left to tell it
        }
        if (!call.committed()) call.status = e.status;
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
