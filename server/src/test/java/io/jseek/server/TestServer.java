package io.jseek.server;

import io.jseek.generate.ChatEngine;
import io.jseek.generate.Scheduler;
import io.jseek.model.ModelGenerator;
import io.jseek.model.Transformer;
import io.jseek.text.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One server for all test classes of this JVM (model generation and JIT warm-up are paid once):
 * the "tiny" generated model (with the tokenizer the generator writes), on an ephemeral loopback port, key {@link #KEY}.
 */
final class TestServer {
    static final String KEY = "test-key";
    static final int CONTEXT = 4096, PARALLEL = 4, QUEUE = 8;
    static final long BODY_LIMIT = 1 << 20, KEEP_ALIVE_MS = 50;
    private static TestServer instance;

    final ChatEngine engine;
    final JseekServer server;
    final String base;

    private TestServer() throws IOException {
        Path dir = Files.createTempDirectory("jseek-server-test");
        ModelGenerator.write(ModelGenerator.preset("tiny"), 7, dir, null);
        var cfg = new Scheduler.Config(PARALLEL, QUEUE, CONTEXT, 256L << 20, 8, 64);
        engine = new ChatEngine(Transformer.load(dir, 1), Tokenizer.load(dir.resolve("tokenizer.json")), cfg);
        server = JseekServer.start(engine, new JseekServer.Options("127.0.0.1", 0, KEY, BODY_LIMIT, List.of("deepseek-v4-flash", "deepseek-chat"), KEEP_ALIVE_MS));
        base = "http://127.0.0.1:" + server.port();
    }

    static synchronized TestServer get() {
        if (instance == null) {
            try {
                instance = new TestServer();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }
}
