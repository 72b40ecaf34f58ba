package io.jseek.server;

import io.jseek.generate.ChatEngine;
import io.jseek.generate.ChatResult;
import io.jseek.generate.FinishReason;
import io.jseek.generate.Generation;
import io.jseek.generate.SamplingParams;
import io.jseek.generate.Usage;
import io.jseek.json.Json;
import io.jseek.text.ChatMessage;
import io.jseek.text.ChatRequest;
import io.jseek.text.ReasoningEffort;
import io.jseek.text.ToolCall;
import io.jseek.text.ToolSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Anthropic Messages dialect (what Claude Code speaks): /v1/messages and /v1/messages/count_tokens. */
final class AnthropicApi {
    private final ChatEngine engine;
    private final long keepAliveMillis;

    AnthropicApi(ChatEngine engine, long keepAliveMillis) {
        this.engine = engine;
        this.keepAliveMillis = keepAliveMillis;
    }

    void countTokens(Call call, Map<String, Object> body) throws IOException {
        call.sendJson(200, Js.obj("input_tokens", engine.countTokens(request(body))));
    }

    void messages(Call call, Map<String, Object> body) throws IOException, InterruptedException {
        String model = Js.string(body, "model", "deepseek-v4-flash");
        ChatRequest req = request(body);
        Map<String, Object> tc = Js.object(body, "tool_choice");
        boolean tools = !req.tools().isEmpty() && (tc == null || !"none".equals(tc.get("type")));
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        boolean stream = Js.bool(body, "stream", false);
        Relay relay = new Relay();
        Generation g = engine.chat(req, tools, sampling(body), stream ? relay : null);
        if (!stream) {
            ChatResult r = call.await(g, keepAliveMillis);
            if (r.finishReason() == FinishReason.ERROR) throw ApiException.internal("generation failed: " + r.error());
            List<Object> content = new ArrayList<>();
            if (req.thinking() && !r.reasoning().isEmpty())
                content.add(Js.obj("type", "thinking", "thinking", r.reasoning(), "signature", signature(id)));
            if (!r.content().isEmpty() || r.toolCalls().isEmpty()) content.add(Js.obj("type", "text", "text", r.content()));
            for (ToolCall c : r.toolCalls())
                content.add(Js.obj("type", "tool_use", "id", c.id(), "name", c.name(), "input", Json.parse(c.arguments())));
            call.sendJson(200, Js.obj("id", id, "type", "message", "role", "assistant", "model", model, "content", content,
                    "stop_reason", stopReason(r), "stop_sequence", r.stopSequence(), "usage", usage(r.usage())));
            return;
        }
        new Streamer(call, g, relay, id, model, keepAliveMillis).run();
    }

    /** Writes the exact Anthropic event sequence, opening and closing one content block per phase. */
    private static final class Streamer {
        private final Call call;
        private final Generation g;
        private final Relay relay;
        private final String id, model;
        private final long keepAliveMillis;
        private String open;   // type of the open block, or null
        private int index = -1;

        Streamer(Call call, Generation g, Relay relay, String id, String model, long keepAliveMillis) {
            this.keepAliveMillis = keepAliveMillis;
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
                Relay.Event first = relay.next(keepAliveMillis);
                call.event("message_start", Js.obj("type", "message_start", "message", Js.obj("id", id, "type", "message",
                        "role", "assistant", "model", model, "content", List.of(), "stop_reason", null, "stop_sequence", null,
                        "usage", Js.obj("input_tokens", g.promptTokens() - g.cachedTokens(), "output_tokens", 1,
                                "cache_creation_input_tokens", 0, "cache_read_input_tokens", g.cachedTokens()))));
                call.event("ping", Js.obj("type", "ping"));
                for (Relay.Event ev = first; ; ev = relay.next(keepAliveMillis)) {
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

    /** Anthropic sampling fields in OpenAI spelling, so one validator serves both dialects. */
    private static SamplingParams sampling(Map<String, Object> body) {
        Map<String, Object> b = Js.obj("temperature", body.get("temperature"), "top_p", body.get("top_p"),
                "top_k", body.get("top_k"), "max_tokens", body.get("max_tokens"), "stop", body.get("stop_sequences"));
        return OpenAiApi.sampling(b);
    }

    /** system (string or text blocks) + messages (string or blocks) → a V4 chat request (spec §2.4). */
    static ChatRequest request(Map<String, Object> body) {
        List<ChatMessage> out = new ArrayList<>();
        Object system = body.get("system");
        if (system != null) out.add(ChatMessage.system(blocksText(system, "system")));
        List<?> raw = Js.list(body, "messages");
        if (raw == null || raw.isEmpty()) throw ApiException.invalid("messages: must be a non-empty array");
        for (int i = 0; i < raw.size(); i++) {
            Map<String, Object> m = Js.asObject(raw.get(i), "messages." + i);
            String role = Js.string(m, "role", "");
            Object content = m.get("content");
            switch (role) {
                case "system" -> out.add(ChatMessage.system(blocksText(content, "messages." + i + ".content")));
                case "user", "assistant" -> {
                    if (content instanceof String text) {
                        out.add(role.equals("user") ? ChatMessage.user(text) : ChatMessage.assistant(null, text, null));
                    } else if (content instanceof List<?> blocks) {
                        blocks(role, blocks, "messages." + i + ".content", out);
                    } else {
                        throw ApiException.invalid("messages." + i + ".content: must be a string or an array of content blocks");
                    }
                }
                default -> throw ApiException.invalid("messages." + i + ".role: must be 'user' or 'assistant'");
            }
        }
        List<ToolSpec> tools = new ArrayList<>();
        List<?> rawTools = Js.list(body, "tools");
        if (rawTools != null) {
            for (Object o : rawTools) {
                Map<String, Object> t = Js.asObject(o, "tools[]");
                String name = Js.string(t, "name", null);
                if (name == null) continue; // server tools (web search…) have no schema to render
                Map<String, Object> f = Js.obj("name", name, "description", Js.string(t, "description", ""),
                        "parameters", t.get("input_schema") == null ? Js.obj("type", "object") : t.get("input_schema"));
                tools.add(new ToolSpec(name, f));
            }
        }
        Map<String, Object> th = Js.object(body, "thinking");
        boolean thinking = th != null && !"disabled".equals(Js.string(th, "type", "enabled")); // adaptive counts as on
        Map<String, Object> oc = Js.object(body, "output_config");
        String effort = oc == null ? null : Js.string(oc, "effort", null);
        ReasoningEffort e = effort == null ? ReasoningEffort.HIGH : ReasoningEffort.parse(effort);
        if (e == ReasoningEffort.NONE) e = ReasoningEffort.HIGH; // thinking.type decides, not the effort
        return new ChatRequest(out, tools, thinking, e, true);
    }

    /** One message's blocks in order: tool results become tool messages, the rest one user/assistant turn. */
    private static void blocks(String role, List<?> blocks, String path, List<ChatMessage> out) {
        StringBuilder text = new StringBuilder(), thinking = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (Object o : blocks) {
            Map<String, Object> b = Js.asObject(o, path + "[]");
            switch (Js.string(b, "type", "")) {
                case "text" -> text.append(text.isEmpty() ? "" : "\n\n").append(Js.string(b, "text", ""));
                case "thinking" -> thinking.append(Js.string(b, "thinking", ""));
                case "tool_use" -> calls.add(new ToolCall(Js.string(b, "id", ""), Js.string(b, "name", ""),
                        Json.write(b.get("input") == null ? Js.obj() : b.get("input"))));
                case "tool_result" -> {
                    Object c = b.get("content");
                    out.add(ChatMessage.tool(Js.string(b, "tool_use_id", ""), c == null ? "" : blocksText(c, path + "[].content")));
                }
                default -> { // images, documents, redacted thinking…: the text model cannot use them
                }
            }
        }
        if (role.equals("assistant")) out.add(ChatMessage.assistant(thinking.toString(), text.toString(), calls));
        else if (!text.isEmpty()) out.add(ChatMessage.user(text.toString()));
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
