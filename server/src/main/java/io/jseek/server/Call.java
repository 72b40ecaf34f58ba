package io.jseek.server;

import com.sun.net.httpserver.HttpExchange;
import io.jseek.json.Json;
import io.jseek.json.JsonException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One HTTP exchange: bounded JSON body reading, JSON replies and server-sent events. */
final class Call {
    final HttpExchange ex;
    final Dialect dialect;
    int status;
    private OutputStream sse;

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

    void sendJson(int code, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        send(code, bytes);
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
        return sse != null;
    }

    void startSse() throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "text/event-stream");
        h.set("Cache-Control", "no-cache");
        h.set("X-Accel-Buffering", "no");
        status = 200;
        ex.sendResponseHeaders(200, 0);
        sse = ex.getResponseBody();
    }

    /** One SSE event: {@code event:} line only for named events (Anthropic), then {@code data:}. */
    void event(String name, Object data) throws IOException {
        String payload = data instanceof String s ? s : Json.write(data);
        raw((name == null ? "" : "event: " + name + "\n") + "data: " + payload + "\n\n");
    }

    void raw(String text) throws IOException {
        sse.write(text.getBytes(StandardCharsets.UTF_8));
        sse.flush();
    }

    void close() {
        ex.close();
    }
}
