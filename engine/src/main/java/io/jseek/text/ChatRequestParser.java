package io.jseek.text;

import io.jseek.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the prompt-relevant part of an OpenAI-style {@code /chat/completions} body (a map from
 * {@link Json#parseObject}) into a {@link ChatRequest}. Unknown fields are ignored, as DeepSeek's API does;
 * malformed known fields fail with an {@link IllegalArgumentException} naming the JSON path.
 * Also accepts vLLM/SGLang spellings: {@code reasoning} on messages and {@code chat_template_kwargs}
 * ({@code thinking}/{@code enable_thinking}, {@code reasoning_effort}, {@code drop_thinking}).
 */
public final class ChatRequestParser {
    private ChatRequestParser() {
    }

    public static ChatRequest parse(Map<String, Object> body) {
        Map<String, Object> kwargs = optObject(body, "chat_template_kwargs", "chat_template_kwargs");
        List<Object> rawMessages = optList(body, "messages", "messages");
        if (rawMessages == null || rawMessages.isEmpty()) {
            throw new IllegalArgumentException("messages: must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < rawMessages.size(); i++) {
            messages.add(message(asObject(rawMessages.get(i), "messages[" + i + "]"), "messages[" + i + "]"));
        }
        List<ToolSpec> tools = new ArrayList<>();
        List<Object> rawTools = optList(body, "tools", "tools");
        if (rawTools != null) {
            for (int i = 0; i < rawTools.size(); i++) tools.add(tool(rawTools.get(i), "tools[" + i + "]"));
        }

        boolean thinking = true; // DeepSeek's default for V4 models
        Map<String, Object> t = optObject(body, "thinking", "thinking");
        if (t != null) {
            String type = optString(t, "type", "thinking.type");
            if ("disabled".equals(type)) thinking = false;
            else if (!"enabled".equals(type)) {
                throw new IllegalArgumentException("thinking.type: expected \"enabled\" or \"disabled\", got " + describe(type));
            }
        }
        if (kwargs != null) {
            Boolean k = optBool(kwargs, "thinking", "chat_template_kwargs.thinking");
            if (k == null) k = optBool(kwargs, "enable_thinking", "chat_template_kwargs.enable_thinking");
            if (k != null) thinking = k;
        }

        String effortText = optString(body, "reasoning_effort", "reasoning_effort");
        if (effortText == null && kwargs != null) {
            effortText = optString(kwargs, "reasoning_effort", "chat_template_kwargs.reasoning_effort");
        }
        ReasoningEffort effort;
        try {
            effort = effortText == null ? ReasoningEffort.HIGH : ReasoningEffort.parse(effortText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reasoning_effort: " + e.getMessage());
        }
        Boolean drop = kwargs == null ? null : optBool(kwargs, "drop_thinking", "chat_template_kwargs.drop_thinking");
        return new ChatRequest(messages, tools, thinking, effort, drop == null || drop);
    }

    private static ChatMessage message(Map<String, Object> m, String path) {
        String roleText = optString(m, "role", path + ".role");
        if (roleText == null) throw new IllegalArgumentException(path + ".role: required");
        ChatRole role;
        try {
            role = ChatRole.parse(roleText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ".role: " + e.getMessage());
        }
        String content = content(m.get("content"), path + ".content");
        String reasoning = optString(m, "reasoning_content", path + ".reasoning_content");
        if (reasoning == null) reasoning = optString(m, "reasoning", path + ".reasoning");
        List<ToolCall> calls = new ArrayList<>();
        List<Object> rawCalls = optList(m, "tool_calls", path + ".tool_calls");
        if (rawCalls != null) {
            if (role != ChatRole.ASSISTANT) throw new IllegalArgumentException(path + ".tool_calls: only assistant messages carry tool calls");
            for (int i = 0; i < rawCalls.size(); i++) calls.add(toolCall(rawCalls.get(i), path + ".tool_calls[" + i + "]"));
        }
        String callId = optString(m, "tool_call_id", path + ".tool_call_id");
        if (role == ChatRole.TOOL && callId == null) throw new IllegalArgumentException(path + ".tool_call_id: required for tool messages");
        return new ChatMessage(role, content, reasoning, calls, callId, optString(m, "name", path + ".name"));
    }

    /** A string, null, or an array of {@code {"type":"text","text":…}} parts (concatenated). */
    private static String content(Object v, String path) {
        if (v == null || v instanceof String) return (String) v;
        if (!(v instanceof List<?> parts)) {
            throw new IllegalArgumentException(path + ": expected a string or an array of content parts, got " + describe(v));
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            String p = path + "[" + i + "]";
            Map<String, Object> part = asObject(parts.get(i), p);
            String type = optString(part, "type", p + ".type");
            if (!"text".equals(type)) {
                throw new IllegalArgumentException(p + ".type: only \"text\" parts are supported, got " + describe(type));
            }
            String text = optString(part, "text", p + ".text");
            if (text == null) throw new IllegalArgumentException(p + ".text: required");
            b.append(text);
        }
        return b.toString();
    }

    private static ToolCall toolCall(Object v, String path) {
        Map<String, Object> call = asObject(v, path);
        Map<String, Object> fn = optObject(call, "function", path + ".function");
        if (fn == null) throw new IllegalArgumentException(path + ".function: required");
        String name = optString(fn, "name", path + ".function.name");
        if (name == null || name.isEmpty()) throw new IllegalArgumentException(path + ".function.name: required");
        Object args = fn.get("arguments");
        String argText = switch (args) {
            case null -> "{}";
            case String s -> s;
            case Map<?, ?> mapArgs -> Json.write(mapArgs); // some clients send an object instead of a string
            default -> throw new IllegalArgumentException(path + ".function.arguments: expected a JSON string, got " + describe(args));
        };
        return new ToolCall(optString(call, "id", path + ".id"), name, argText);
    }

    private static ToolSpec tool(Object v, String path) {
        Map<String, Object> tool = asObject(v, path);
        String type = optString(tool, "type", path + ".type");
        if (type != null && !type.equals("function")) {
            throw new IllegalArgumentException(path + ".type: only \"function\" tools are supported, got " + describe(type));
        }
        Map<String, Object> fn = optObject(tool, "function", path + ".function");
        if (fn == null) throw new IllegalArgumentException(path + ".function: required");
        String name = optString(fn, "name", path + ".function.name");
        if (name == null || name.isEmpty()) throw new IllegalArgumentException(path + ".function.name: required");
        return new ToolSpec(name, fn);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object v, String path) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException(path + ": expected an object, got " + describe(v));
    }

    private static Map<String, Object> optObject(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        return v == null ? null : asObject(v, path);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> optList(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v == null || v instanceof List<?>) return (List<Object>) v;
        throw new IllegalArgumentException(path + ": expected an array, got " + describe(v));
    }

    private static String optString(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v == null || v instanceof String) return (String) v;
        throw new IllegalArgumentException(path + ": expected a string, got " + describe(v));
    }

    private static Boolean optBool(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v == null || v instanceof Boolean) return (Boolean) v;
        throw new IllegalArgumentException(path + ": expected true or false, got " + describe(v));
    }

    private static String describe(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
            case Boolean b -> "boolean " + b;
            case Number n -> "number " + n;
            case Map<?, ?> ignored -> "an object";
            case List<?> ignored -> "an array";
            default -> v.getClass().getSimpleName();
        };
    }
}
