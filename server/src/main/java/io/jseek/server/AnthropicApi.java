package io.jseek.server;

import io.jseek.generate.ChatEngine;
import io.jseek.generate.ChatResult;
import io.jseek.generate.FinishReason;
import io.jseek.generate.Generation;
import io.jseek.generate.GenerationParams;
import io.jseek.generate.ToolCallResult;
import io.jseek.generate.Usage;
import io.jseek.json.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Anthropic Messages dialect (what Claude Code speaks): /v1/messages and /v1/messages/count_tokens. */
final class AnthropicApi {
    private final ChatEngine engine;

    AnthropicApi(ChatEngine engine) {
        this.engine = engine;
    }

    void countTokens(Call call, Map<String, Object> body) throws IOException {
        call.sendJson(200, Js.obj("input_tokens", engine.countTokens(conversation(body).render())));
    }

    void messages(Call call, Map<String, Object> body) throws IOException, InterruptedException {
        String model = Js.string(body, "model", "deepseek-v4-flash");
        Conversation conv = conversation(body);
        GenerationParams params = OpenAiApi.params(body, engine.scheduler().config().contextSize());
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        boolean stream = Js.bool(body, "stream", false);
        Relay relay = new Relay();
        Generation g = engine.start(conv.render(), conv.thinking(), params, stream ? relay : null);
        if (!stream) {
            ChatResult r = g.await();
            if (r.finishReason() == FinishReason.ERROR) throw ApiException.internal("generation failed: " + r.error());
            List<Object> content = new ArrayList<>();
            if (conv.thinking() && !r.reasoning().isEmpty())
                content.add(Js.obj("type", "thinking", "thinking", r.reasoning(), "signature", signature(id)));
            if (!r.content().isEmpty() || r.toolCalls().isEmpty()) content.add(Js.obj("type", "text", "text", r.content()));
            for (ToolCallResult c : r.toolCalls())
                content.add(Js.obj("type", "tool_use", "id", c.id(), "name", c.name(), "input", Json.parse(c.arguments())));
            call.sendJson(200, Js.obj("id", id, "type", "message", "role", "assistant", "model", model, "content", content,
                    "stop_reason", stopReason(r), "stop_sequence", r.stopSequence(), "usage", usage(r.usage())));
            return;
        }
        new Streamer(call, g, relay, id, model).run();
    }

    /** Writes the exact Anthropic event sequence, opening and closing one content block per phase. */
    private static final class Streamer {
        private final Call call;
        private final Generation g;
        private final Relay relay;
        private final String id, model;
        private String open;   // type of the open block, or null
        private int index = -1;

        Streamer(Call call, Generation g, Relay relay, String id, String model) {
            this.call = call;
            this.g = g;
            this.relay = relay;
            this.id = id;
            this.model = model;
        }

        void run() throws IOException, InterruptedException {
            try {
                call.startSse();
                // usage in message_start needs the cache split, known once the first delta arrives
                Relay.Event first = relay.next(5000);
                call.event("message_start", Js.obj("type", "message_start", "message", Js.obj("id", id, "type", "message",
                        "role", "assistant", "model", model, "content", List.of(), "stop_reason", null, "stop_sequence", null,
                        "usage", Js.obj("input_tokens", g.promptTokens() - g.cachedTokens(), "output_tokens", 1,
                                "cache_creation_input_tokens", 0, "cache_read_input_tokens", g.cachedTokens()))));
                call.event("ping", Js.obj("type", "ping"));
                for (Relay.Event ev = first; ; ev = relay.next(5000)) {
                    switch (ev) {
                        case null -> call.event("ping", Js.obj("type", "ping"));
                        case Relay.Reasoning(String t) -> {
                            ensure("thinking", Js.obj("type", "thinking", "thinking", "", "signature", ""));
                            delta(Js.obj("type", "thinking_delta", "thinking", t));
                        }
                        case Relay.Content(String t) -> {
                            ensure("text", Js.obj("type", "text", "text", ""));
                            delta(Js.obj("type", "text_delta", "text", t));
                        }
                        case Relay.ToolStart(int i, String callId, String name) -> {
                            close();
                            start("tool_use", Js.obj("type", "tool_use", "id", callId, "name", name, "input", Js.obj()));
                        }
                        case Relay.ToolArgs(int i, String frag) -> delta(Js.obj("type", "input_json_delta", "partial_json", frag));
                        case Relay.Done(ChatResult r) -> {
                            close();
                            if (r.finishReason() == FinishReason.ERROR) {
                                call.event("error", Js.obj("type", "error", "error", Js.obj("type", "api_error", "message", "generation failed: " + r.error())));
                                return;
                            }
                            Usage u = r.usage();
                            call.event("message_delta", Js.obj("type", "message_delta",
                                    "delta", Js.obj("stop_reason", stopReason(r), "stop_sequence", r.stopSequence()),
                                    "usage", Js.obj("input_tokens", u.missTokens(), "output_tokens", u.completionTokens(),
                                            "cache_creation_input_tokens", 0, "cache_read_input_tokens", u.cachedTokens())));
                            call.event("message_stop", Js.obj("type", "message_stop"));
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                g.cancel(); // the client went away: free the slot
                throw e;
            }
        }

        private void ensure(String type, Map<String, Object> block) throws IOException {
            if (type.equals(open)) return;
            close();
            start(type, block);
        }

        private void start(String type, Map<String, Object> block) throws IOException {
            open = type;
            index++;
            call.event("content_block_start", Js.obj("type", "content_block_start", "index", index, "content_block", block));
        }

        private void delta(Map<String, Object> d) throws IOException {
            call.event("content_block_delta", Js.obj("type", "content_block_delta", "index", index, "delta", d));
        }

        private void close() throws IOException {
            if (open == null) return;
            if (open.equals("thinking")) delta(Js.obj("type", "signature_delta", "signature", signature(id)));
            call.event("content_block_stop", Js.obj("type", "content_block_stop", "index", index));
            open = null;
        }
    }

    /** An opaque token: clients need one to replay thinking blocks; replayed values are never checked. */
    private static String signature(String messageId) {
        return "jseek-" + messageId;
    }

    private static String stopReason(ChatResult r) {
        return switch (r.finishReason()) {
            case STOP, CANCELLED, ERROR -> r.stopSequence() != null ? "stop_sequence" : "end_turn";
            case LENGTH -> "max_tokens";
            case TOOL_CALLS -> "tool_use";
        };
    }

    private static Map<String, Object> usage(Usage u) {
        return Js.obj("input_tokens", u.missTokens(), "output_tokens", u.completionTokens(),
                "cache_creation_input_tokens", 0, "cache_read_input_tokens", u.cachedTokens());
    }

    /** system (string or text blocks) + messages (string or blocks) → the neutral conversation (spec §2.4). */
    static Conversation conversation(Map<String, Object> body) {
        List<Conversation.Message> out = new ArrayList<>();
        Object system = body.get("system");
        if (system != null) out.add(new Conversation.Message("system", blocksText(system, "system"), null, null));
        List<?> raw = Js.list(body, "messages");
        if (raw == null || raw.isEmpty()) throw ApiException.invalid("messages: must be a non-empty array");
        for (int i = 0; i < raw.size(); i++) {
            Map<String, Object> m = Js.asObject(raw.get(i), "messages." + i);
            String role = Js.string(m, "role", null);
            if (role == null || !(role.equals("user") || role.equals("assistant") || role.equals("system")))
                throw ApiException.invalid("messages." + i + ".role: must be 'user' or 'assistant'");
            Object content = m.get("content");
            if (content instanceof String s || role.equals("system")) {
                out.add(new Conversation.Message(role, content instanceof String s2 ? s2 : blocksText(content, "messages." + i), null, null));
                continue;
            }
            if (!(content instanceof List<?> blocks)) throw ApiException.invalid("messages." + i + ".content: must be a string or an array of blocks");
            StringBuilder text = new StringBuilder(), thinking = new StringBuilder();
            List<ToolCallResult> calls = new ArrayList<>();
            for (Object o : blocks) {
                Map<String, Object> b = Js.asObject(o, "messages." + i + ".content[]");
                switch (Js.string(b, "type", "")) {
                    case "text" -> text.append(Js.string(b, "text", ""));
                    case "thinking" -> thinking.append(Js.string(b, "thinking", ""));
                    case "tool_use" -> calls.add(new ToolCallResult(Js.string(b, "id", ""), Js.string(b, "name", ""),
                            Json.write(b.get("input") == null ? Js.obj() : b.get("input"))));
                    case "tool_result" -> {
                        Object c = b.get("content");
                        out.add(new Conversation.Message("tool", c == null ? "" : blocksText(c, "tool_result.content"), null, null));
                    }
                    default -> { // images, documents, redacted thinking…: not supported by the text model
                    }
                }
            }
            if (role.equals("assistant")) out.add(new Conversation.Message(role, text.toString(), thinking.toString(), calls));
            else if (!text.isEmpty()) out.add(new Conversation.Message(role, text.toString(), null, null));
        }
        Map<String, Object> t = Js.object(body, "thinking");
        boolean thinking = t != null && !"disabled".equals(Js.string(t, "type", "enabled"));
        return new Conversation(out, thinking);
    }

    /** A string, or text blocks joined with blank lines. */
    private static String blocksText(Object v, String what) {
        if (v instanceof String s) return s;
        if (!(v instanceof List<?> l)) throw ApiException.invalid(what + ": must be a string or an array of text blocks");
        StringBuilder b = new StringBuilder();
        for (Object o : l) {
            Map<String, Object> block = Js.asObject(o, what + "[]");
            if (block.get("text") instanceof String s) b.append(b.isEmpty() ? "" : "\n\n").append(s);
        }
        return b.toString();
    }
}
