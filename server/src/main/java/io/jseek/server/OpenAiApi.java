package io.jseek.server;

import io.jseek.generate.ChatEngine;
import io.jseek.generate.ChatResult;
import io.jseek.generate.FinishReason;
import io.jseek.generate.Generation;
import io.jseek.generate.GenerationParams;
import io.jseek.generate.ToolCallResult;
import io.jseek.generate.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** OpenAI / DeepSeek dialect: chat completions, raw completions and the model list. */
final class OpenAiApi {
    static final String FINGERPRINT = "fp_jseek";
    private final ChatEngine engine;
    private final List<String> modelIds;

    OpenAiApi(ChatEngine engine, List<String> modelIds) {
        this.engine = engine;
        this.modelIds = modelIds;
    }

    void models(Call call) throws IOException {
        List<Object> data = new ArrayList<>();
        for (String id : modelIds) data.add(Js.obj("id", id, "object", "model", "created", 0, "owned_by", "jseek"));
        call.sendJson(200, Js.obj("object", "list", "data", data));
    }

    void chat(Call call, Map<String, Object> body) throws IOException, InterruptedException {
        String model = Js.string(body, "model", modelIds.getFirst());
        Conversation conv = new Conversation(messages(body), thinking(body, model));
        GenerationParams params = params(body, engine.scheduler().config().contextSize());
        boolean stream = Js.bool(body, "stream", false);
        Map<String, Object> so = Js.object(body, "stream_options");
        boolean includeUsage = so != null && Js.bool(so, "include_usage", false);
        run(call, conv.render(), conv.thinking(), params, stream, includeUsage, model, true);
    }

    void completions(Call call, Map<String, Object> body) throws IOException, InterruptedException {
        String model = Js.string(body, "model", modelIds.getFirst());
        Object p = body.get("prompt");
        if (p instanceof List<?> l && l.size() == 1 && l.getFirst() instanceof String s) p = s;
        if (!(p instanceof String prompt) || prompt.isEmpty()) throw ApiException.invalid("'prompt' must be a non-empty string");
        Map<String, Object> withDefault = new java.util.LinkedHashMap<>(body);
        withDefault.putIfAbsent("max_tokens", 16L);
        GenerationParams params = params(withDefault, engine.scheduler().config().contextSize());
        Map<String, Object> so = Js.object(body, "stream_options");
        run(call, prompt, false, params, Js.bool(body, "stream", false), so != null && Js.bool(so, "include_usage", false), model, false);
    }

    private void run(Call call, String prompt, boolean thinking, GenerationParams params, boolean stream,
                     boolean includeUsage, String model, boolean chat) throws IOException, InterruptedException {
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        Relay relay = new Relay();
        Generation g = engine.start(prompt, thinking, params, stream ? relay : null);
        if (!stream) {
            ChatResult r = g.await();
            if (r.finishReason() == FinishReason.ERROR) throw ApiException.internal("generation failed: " + r.error());
            Map<String, Object> choice = chat
                    ? Js.obj("index", 0, "message", message(r, thinking), "logprobs", null, "finish_reason", finish(r))
                    : Js.obj("index", 0, "text", r.content(), "logprobs", null, "finish_reason", finish(r));
            call.sendJson(200, Js.obj("id", id, "object", chat ? "chat.completion" : "text_completion", "created", created,
                    "model", model, "system_fingerprint", FINGERPRINT, "choices", List.of(choice), "usage", usage(r.usage())));
            return;
        }
        String object = chat ? "chat.completion.chunk" : "text_completion";
        try {
            call.startSse();
            if (chat) call.event(null, chunk(id, object, created, model, thinking
                    ? Js.obj("role", "assistant", "content", null, "reasoning_content", "")
                    : Js.obj("role", "assistant", "content", ""), null, null));
            while (true) {
                Relay.Event ev = relay.next(5000);
                switch (ev) {
                    case null -> call.raw(": keep-alive\n\n");
                    case Relay.Reasoning(String t) -> call.event(null, chunk(id, object, created, model, Js.obj("content", null, "reasoning_content", t), null, null));
                    case Relay.Content(String t) -> call.event(null, chat
                            ? chunk(id, object, created, model, Js.obj("content", t), null, null)
                            : textChunk(id, created, model, t, null, null));
                    case Relay.ToolStart(int i, String callId, String name) -> call.event(null, chunk(id, object, created, model,
                            Js.obj("tool_calls", List.of(Js.obj("index", i, "id", callId, "type", "function",
                                    "function", Js.obj("name", name, "arguments", "")))), null, null));
                    case Relay.ToolArgs(int i, String frag) -> call.event(null, chunk(id, object, created, model,
                            Js.obj("tool_calls", List.of(Js.obj("index", i, "function", Js.obj("arguments", frag)))), null, null));
                    case Relay.Done(ChatResult r) -> {
                        Object u = includeUsage ? usage(r.usage()) : null;
                        if (r.finishReason() == FinishReason.ERROR)
                            call.event(null, Js.obj("error", Js.obj("message", "generation failed: " + r.error(), "type", "server_error", "param", null, "code", "server_error")));
                        call.event(null, chat ? chunk(id, object, created, model, Js.obj("content", ""), finish(r), u)
                                : textChunk(id, created, model, "", finish(r), u));
                        if (includeUsage) call.event(null, Js.obj("id", id, "object", object, "created", created, "model", model,
                                "system_fingerprint", FINGERPRINT, "choices", List.of(), "usage", u));
                        call.raw("data: [DONE]\n\n");
                        return;
                    }
                }
            }
        } catch (IOException e) {
            g.cancel(); // the client went away: free the slot
            throw e;
        }
    }

    private static Map<String, Object> chunk(String id, String object, long created, String model, Map<String, Object> delta, String finish, Object usage) {
        Map<String, Object> c = Js.obj("id", id, "object", object, "created", created, "model", model, "system_fingerprint", FINGERPRINT,
                "choices", List.of(Js.obj("index", 0, "delta", delta, "logprobs", null, "finish_reason", finish)));
        if (usage != null) c.put("usage", usage);
        return c;
    }

    private static Map<String, Object> textChunk(String id, long created, String model, String text, String finish, Object usage) {
        Map<String, Object> c = Js.obj("id", id, "object", "text_completion", "created", created, "model", model,
                "choices", List.of(Js.obj("index", 0, "text", text, "logprobs", null, "finish_reason", finish)));
        if (usage != null) c.put("usage", usage);
        return c;
    }

    private static Map<String, Object> message(ChatResult r, boolean thinking) {
        Map<String, Object> m = Js.obj("role", "assistant", "content", r.content());
        if (thinking) m.put("reasoning_content", r.reasoning());
        if (!r.toolCalls().isEmpty()) {
            List<Object> calls = new ArrayList<>();
            for (ToolCallResult c : r.toolCalls())
                calls.add(Js.obj("id", c.id(), "type", "function", "function", Js.obj("name", c.name(), "arguments", c.arguments())));
            m.put("tool_calls", calls);
        }
        return m;
    }

    static String finish(ChatResult r) {
        return switch (r.finishReason()) {
            case STOP, CANCELLED -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
            case ERROR -> "insufficient_system_resource";
        };
    }

    static Map<String, Object> usage(Usage u) {
        return Js.obj("prompt_tokens", u.promptTokens(), "completion_tokens", u.completionTokens(), "total_tokens", u.totalTokens(),
                "prompt_tokens_details", Js.obj("cached_tokens", u.cachedTokens()),
                "completion_tokens_details", Js.obj("reasoning_tokens", u.reasoningTokens()),
                "prompt_cache_hit_tokens", u.cachedTokens(), "prompt_cache_miss_tokens", u.missTokens());
    }

    /** Sampling settings; max_tokens above the context is capped by the scheduler, not refused. */
    static GenerationParams params(Map<String, Object> body, int contextSize) {
        Long max = Js.integer(body, "max_tokens");
        if (max == null) max = Js.integer(body, "max_completion_tokens");
        if (max != null && max < 1) throw ApiException.invalid("'max_tokens' must be >= 1");
        int maxTokens = max == null ? contextSize : (int) Math.min(max, contextSize);
        double temperature = Js.number(body, "temperature", 1.0);
        if (temperature < 0 || temperature > 2) throw ApiException.invalid("'temperature' must be between 0 and 2");
        double topP = Js.number(body, "top_p", 1.0);
        if (topP <= 0 || topP > 1) throw ApiException.invalid("'top_p' must be in (0, 1]");
        Long seed = Js.integer(body, "seed");
        List<String> stop = Js.strings(body, body.containsKey("stop_sequences") ? "stop_sequences" : "stop");
        for (String s : stop) if (s.isEmpty()) throw ApiException.invalid("stop strings must not be empty");
        return new GenerationParams(maxTokens, temperature, topP, seed != null ? seed : ThreadLocalRandom.current().nextLong(), stop);
    }

    /** Thinking on by default (DeepSeek V4), off for deepseek-chat, {@code thinking.type} or effort "none". */
    static boolean thinking(Map<String, Object> body, String model) {
        Map<String, Object> t = Js.object(body, "thinking");
        if (t != null) return !"disabled".equals(Js.string(t, "type", "enabled"));
        Map<String, Object> kw = Js.object(body, "chat_template_kwargs");
        if (kw != null) {
            Object v = kw.containsKey("thinking") ? kw.get("thinking") : kw.get("enable_thinking");
            if (v instanceof Boolean b) return b;
        }
        if ("none".equals(body.get("reasoning_effort"))) return false;
        return !model.startsWith("deepseek-chat");
    }

    private static List<Conversation.Message> messages(Map<String, Object> body) {
        List<?> raw = Js.list(body, "messages");
        if (raw == null || raw.isEmpty()) throw ApiException.invalid("'messages' must be a non-empty array");
        List<Conversation.Message> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            Map<String, Object> m = Js.asObject(raw.get(i), "messages[" + i + "]");
            String role = Js.string(m, "role", null);
            if (role == null) throw ApiException.invalid("messages[" + i + "].role is required");
            String reasoning = Js.string(m, "reasoning_content", Js.string(m, "reasoning", null));
            List<ToolCallResult> calls = new ArrayList<>();
            List<?> tc = Js.list(m, "tool_calls");
            if (tc != null) {
                for (Object o : tc) {
                    Map<String, Object> c = Js.asObject(o, "tool_calls[]");
                    Map<String, Object> f = Js.object(c, "function");
                    if (f == null) throw ApiException.invalid("messages[" + i + "].tool_calls[].function is required");
                    calls.add(new ToolCallResult(Js.string(c, "id", ""), Js.string(f, "name", ""), Js.string(f, "arguments", "{}")));
                }
            }
            out.add(new Conversation.Message(role, text(m.get("content"), i), reasoning, calls));
        }
        return out;
    }

    /** Content as a string or an array of text parts (joined). */
    private static String text(Object content, int i) {
        if (content == null || content instanceof String) return (String) content;
        if (content instanceof List<?> parts) {
            StringBuilder b = new StringBuilder();
            for (Object p : parts) {
                Map<String, Object> part = Js.asObject(p, "messages[" + i + "].content[]");
                if (part.get("text") instanceof String s) b.append(s);
                else throw ApiException.invalid("messages[" + i + "]: only text content parts are supported");
            }
            return b.toString();
        }
        throw ApiException.invalid("messages[" + i + "].content must be a string or an array of parts");
    }
}
