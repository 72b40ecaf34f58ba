package io.jseek.server;

import com.sun.net.httpserver.HttpExchange;
import io.jseek.generate.ChatResult;
import io.jseek.generate.Generation;
import io.jseek.json.Json;
import io.jseek.json.JsonException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One HTTP exchange: bounded JSON body reading, JSON replies and server-sent events. */
final class Call {
    final HttpExchange ex;
    final Dialect dialect;
    int status;
    private OutputStream out;   // set once headers are sent with a streamed body
    private boolean sse;

    Call(HttpExchange ex, Dialect dialect) {
        this.ex = ex;
        this.dialect = dialect;
    }

    /** The request body as a JSON object; 413 past {@code limit} bytes, 400 for anything but an object. */
    Map<String, Object> json(long limit) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[16384];
        try (InputStream in = ex.getRequestBody()) {
            for (int n; (n = in.read(chunk)) > 0; ) {
                if (buf.size() + n > limit) throw ApiException.tooLarge(limit);
                buf.write(chunk, 0, n);
            }
        }
        if (buf.size() == 0) throw ApiException.invalid("the request body is empty; expected a JSON object");
        try {
            return Json.parseObject(buf.toString(StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw ApiException.invalid("invalid JSON body: " + e.getMessage());
        }
    }

    /** A JSON reply; after {@link #await} committed a 200, the body simply follows the keep-alive newlines. */
    void sendJson(int code, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        if (out != null) {
            out.write(bytes);
            out.close();
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        send(code, bytes);
    }

    /**
     * Waits for a non-streaming reply. Past {@code patienceMillis} it commits a 200 and sends a newline
     * per interval (DeepSeek's keep-alive; JSON parsers skip it), so proxies keep the connection and a
     * client that went away is noticed and its generation cancelled.
     */
    ChatResult await(Generation g, long patienceMillis) throws IOException, InterruptedException {
        while (true) {
            try {
                return g.future().get(patienceMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                try {
                    if (out == null) {
                        ex.getResponseHeaders().set("Content-Type", "application/json");
                        status = 200;
                        ex.sendResponseHeaders(200, 0);
                        out = ex.getResponseBody();
                    }
                    out.write('\n');
                    out.flush();
                } catch (IOException io) {
                    g.cancel();
                    throw io;
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    void send(int code, byte[] bytes) throws IOException {
        status = code;
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head || bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    boolean streaming() {
        return sse;
    }

    /** Headers are out: errors can only be reported inside the body. */
    boolean committed() {
        return out != null;
    }

    void startSse() throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "text/event-stream");
        h.set("Cache-Control", "no-cache");
        h.set("X-Accel-Buffering", "no");
        status = 200;
        ex.sendResponseHeaders(200, 0);
        out = ex.getResponseBody();
        sse = true;
    }

    /** One SSE event: {@code event:} line only for named events (Anthropic), then {@code data:}. */
    void event(String name, Object data) throws IOException {
        String payload = data instanceof String s ? s : Json.write(data);
        raw((name == null ? "" : "event: " + name + "\n") + "data: " + payload + "\n\n");
    }

    void raw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void close() {
        ex.close();
    }
}
