package io.jseek.cli;

import io.jseek.config.ModelConfig;
import io.jseek.generate.ChatEngine;
import io.jseek.generate.Scheduler;
import io.jseek.server.JseekServer;
import com.sun.net.httpserver.HttpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** OpenAI- and Anthropic-compatible HTTP server. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the model over HTTP (OpenAI /v1/chat/completions, Anthropic /v1/messages).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--demo", description = "Serve the built-in demo model (the default without --model).")
    boolean demo;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR", description = "Bind address (default 127.0.0.1).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "Port (default 8080; 0 = any free port).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Require this key (Authorization: Bearer or x-api-key). Default: env JSEEK_API_KEY, else none.")
    String apiKey = System.getenv("JSEEK_API_KEY");

    @Option(names = "--ctx-size", defaultValue = "0", paramLabel = "N", description = "Context size per request, prompt + reply (default: the model's max_position_embeddings).")
    int ctxSize;

    @Option(names = "--prompt-cache", paramLabel = "DIR", description = "Persistent prompt cache: save decode states in DIR and reuse them across requests and restarts.")
    Path promptCache;

    @Option(names = "--prompt-cache-bytes", defaultValue = "10737418240", paramLabel = "N", description = "Size cap of --prompt-cache, least recently used evicted (default 10 GiB).")
    long promptCacheBytes;

    @Option(names = "--parallel", defaultValue = "4", paramLabel = "N", description = "Requests decoded concurrently (default 4).")
    int parallel;

    @Option(names = "--queue", defaultValue = "64", paramLabel = "N", description = "Requests waiting beyond --parallel before 429 (default 64).")
    int queue;

    @Option(names = "--state-memory", defaultValue = "2048", paramLabel = "MB", description = "Decode-state memory budget in MiB, active + prefix cache (default 2048).")
    long stateMb;

    @Override
    public Integer call() throws Exception {
        if (demo && model.model != null) throw new IllegalArgumentException("--demo and --model exclude each other");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be between 0 and 65535");
        if (parallel < 1) throw new IllegalArgumentException("--parallel must be >= 1");
        Path dir = model.dir();
        int ctx = ContextSize.resolve(ctxSize, ModelConfig.load(dir));
        var cfg = new Scheduler.Config(parallel, queue, ctx, stateMb << 20, 2 * parallel, 256);
        HttpServer loading = port == 0 ? null : loadingServer(dir);
        ChatEngine loaded;
        try {
            loaded = ChatEngine.load(dir, model.threads, model.layout(), cfg, promptCache, promptCacheBytes);
        } finally {
            if (loading != null) loading.stop(0);
        }
        try (ChatEngine engine = loaded;
             JseekServer server = JseekServer.start(engine, JseekServer.Options.defaults(host, port, apiKey))) {
            System.err.printf("jseek: serving %s on http://%s:%d (OpenAI /v1/chat/completions, Anthropic /v1/messages), context %d, kv %s%s%n",
                    dir, host, server.port(), ctx, model.layout().id, promptCache == null ? "" : ", prompt cache " + promptCache);
            new CountDownLatch(1).await(); // until the process is stopped
        }
        return 0;
    }

    /** Until the model is loaded, every route answers 503 and /health says so (clients and probes can poll). */
    private HttpServer loadingServer(Path dir) throws java.io.IOException {
        HttpServer h = HttpServer.create(new InetSocketAddress(host, port), 16);
        byte[] body = ("{\"status\":\"loading\",\"model\":" + io.jseek.json.Json.write(dir.toString()) + "}").getBytes(StandardCharsets.UTF_8);
        h.createContext("/", ex -> {
            try (ex) {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.getResponseHeaders().set("Retry-After", "1");
                ex.sendResponseHeaders(503, body.length);
                ex.getResponseBody().write(body);
            }
        });
        h.start();
        System.err.println("jseek: loading " + dir + " (GET /health answers 503 until ready)");
        return h;
    }
}
