package io.jseek.server;

import io.jseek.generate.ChatEngine;
import io.jseek.generate.ChatResult;
import io.jseek.generate.FinishReason;
import io.jseek.generate.Generation;
import io.jseek.generate.SamplingParams;
import io.jseek.generate.Usage;
import io.jseek.text.ChatRequest;
import io.jseek.text.ChatRequestParser;
import io.jseek.text.ToolCall;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** OpenAI / DeepSeek dialect: chat completions, raw completions and the model list. */
final class OpenAiApi {
    static final String FINGERPRINT = "fp_jseek";
    private final ChatEngine engine;
    private final List<String> modelIds;
    private final long keepAliveMillis;

    OpenAiApi(ChatEngine engine, List<String> modelIds, long keepAliveMillis) {
        this.engine = engine;
        this.modelIds = modelIds;
        this.keepAliveMillis = keepAliveMillis;
    }

    void models(Call call) throws IOException {
        List<Object> data = new ArrayList<>();
        for (String id : modelIds) data.add(Js.obj("id", id, "object", "model", "created", 0, "owned_by", "jseek"));
        call.sendJson(200, Js.obj("object", "list", "data", data));
    }

    void chat(Call call, Map<String, Object> body) throws IOException, InterruptedException {
        String model = Js.string(body, "model", modelIds.getFirst());
        ChatRequest req = ChatRequestParser.parse(body);
        if (model.startsWith("deepseek-chat") && !body.containsKey("thinking") && !body.containsKey("chat_template_kwargs")
                && !body.containsKey("reasoning_effort")) {
            req = new ChatRequest(req.messages(), req.tools(), false, req.effort(), req.dropThinking()); // the alias's default
        }
        boolean tools = !req.tools().isEmpty() && !"none".equals(body.get("tool_choice"));
        SamplingParams params = sampling(body);
        boolean stream = Js.bool(body, "stream", false);
        Map<String, Object> so = Js.object(body, "stream_options");
        boolean includeUsage = so != null && Js.bool(so, "include_usage", false);
        Relay relay = new Relay();
        Generation g = engine.chat(req, tools, Js.bool(body, "ignore_eos", false), params, stream ? relay : null);
        run(call, g, relay, req.thinking(), stream, includeUsage, model, true);
    }

    void completions(Call call, Map<String, Object> body) throws IOException, InterruptedException {
        String model = Js.string(body, "model", modelIds.getFirst());
        Object p = body.get("prompt");
        if (p instanceof List<?> l && l.size() == 1 && l.getFirst() instanceof String s) p = s;
        if (!(p instanceof String prompt) || prompt.isEmpty()) throw ApiException.invalid("'prompt' must be a non-empty string");
        Map<String, Object> withDefault = new LinkedHashMap<>(body);
        withDefault.putIfAbsent("max_tokens", 16L); // OpenAI's legacy default
        boolean stream = Js.bool(body, "stream", false);
        Map<String, Object> so = Js.object(body, "stream_options");
        Relay relay = new Relay();
        Generation g = engine.complete(prompt, sampling(withDefault), stream ? relay : null);
        run(call, g, relay, false, stream, so != null && Js.bool(so, "include_usage", false), model, false);
    }

    private void run(Call call, Generation g, Relay relay, boolean thinking, boolean stream,
                     boolean includeUsage, String model, boolean chat) throws IOException, InterruptedException {
        String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        if (!stream) {
            ChatResult r = call.await(g, keepAliveMillis);
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
                Relay.Event ev = relay.next(keepAliveMillis);
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
            for (ToolCall c : r.toolCalls())
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

    /**
     * Sampling settings of an OpenAI-style body. A max_tokens beyond what any reply may hold is capped
     * rather than refused (the scheduler caps it again to the room left in the context).
     */
    static SamplingParams sampling(Map<String, Object> body) {
        Map<String, Object> b = new LinkedHashMap<>(body);
        for (String k : new String[]{"max_tokens", "max_completion_tokens"}) {
            if (b.get(k) instanceof Number n && n.doubleValue() > SamplingParams.MAX_OUTPUT_TOKENS)
                b.put(k, (long) SamplingParams.MAX_OUTPUT_TOKENS);
        }
        return SamplingParams.fromRequest(b);
    }
}
