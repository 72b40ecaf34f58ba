package io.jseek.text;

import io.jseek.json.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatEncoderTest {

    /** Every prompt-golden case, driven through the request parser exactly as a server would. */
    @TestFactory
    Stream<DynamicTest> promptGoldenByteExact() {
        List<Map<String, Object>> cases = EncodingGolden.load("prompt-golden.jsonl");
        assertEquals(14, cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest((String) c.get("id"), () -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = new LinkedHashMap<>((Map<String, Object>) c.get("request"));
            body.put("thinking", Map.of("type", "thinking".equals(c.get("thinking_mode")) ? "enabled" : "disabled"));
            if (c.get("reasoning_effort") != null) body.put("reasoning_effort", c.get("reasoning_effort"));
            body.put("chat_template_kwargs", Map.of("drop_thinking", c.get("drop_thinking")));
            // round-trip through JSON text so the parser sees exactly what a server would
            ChatRequest request = ChatRequestParser.parse(Json.parseObject(Json.write(body)));
            assertEquals(c.get("prompt"), ChatEncoder.encode(request));
        }));
    }

    @Test
    void effortNoneMeansChatMode() {
        ChatRequest r = new ChatRequest(List.of(ChatMessage.user("Hi")), List.of(), true, ReasoningEffort.NONE, true);
        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜></think>", ChatEncoder.encode(r));
    }

    @Test
    void effortMaxIgnoredInChatMode() {
        ChatRequest r = new ChatRequest(List.of(ChatMessage.user("Hi")), List.of(), false, ReasoningEffort.MAX, true);
        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜></think>", ChatEncoder.encode(r));
    }

    @Test
    void xhighSpellingAddsMaxPrefix() {
        ChatRequest r = ChatRequestParser.parse(Json.parseObject(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"}],\"reasoning_effort\":\"xhigh\"}"));
        String p = ChatEncoder.encode(r);
        assertTrue(p.startsWith(V4Format.BOS + V4Format.REASONING_EFFORT_MAX + V4Format.USER), p);
    }

    @Test
    void unparsableArgumentsBecomeOneStringParameter() {
        ChatRequest r = ChatRequest.of(List.of(ChatMessage.user("go"),
                ChatMessage.assistant(null, "", List.of(new ToolCall("c", "f", "not json"))),
                ChatMessage.tool("c", "ok")), List.of());
        assertTrue(ChatEncoder.encode(r).contains(
                "<｜DSML｜parameter name=\"arguments\" string=\"true\">not json</｜DSML｜parameter>"));
    }

    @Test
    void developerTurnsBeforeLastUserAreDroppedInThinkingMode() {
        ChatMessage dev = new ChatMessage(ChatRole.DEVELOPER, "rules", null, null, null, null);
        ChatRequest r = ChatRequest.of(List.of(dev, ChatMessage.user("a"),
                ChatMessage.assistant("r", "b", null), ChatMessage.user("c")), List.of());
        assertEquals("<｜begin▁of▁sentence｜><｜User｜>a<｜Assistant｜></think>b<｜end▁of▁sentence｜>"
                + "<｜User｜>c<｜Assistant｜><think>", ChatEncoder.encode(r));
    }

    @Test
    void pythonStyleJsonInToolArguments() {
        ChatRequest r = ChatRequest.of(List.of(ChatMessage.user("go"),
                ChatMessage.assistant(null, "", List.of(new ToolCall("c", "f",
                        "{\"x\": 1.0, \"y\": 1e20, \"z\": [0.0001, 1.5e-7], \"s\": \"é\\n\"}")))), List.of());
        String p = ChatEncoder.encode(r);
        assertTrue(p.contains("name=\"x\" string=\"false\">1.0<"), p);
        assertTrue(p.contains("name=\"y\" string=\"false\">1e+20<"), p);
        assertTrue(p.contains("name=\"z\" string=\"false\">[0.0001, 1.5e-07]<"), p);
        assertTrue(p.contains("name=\"s\" string=\"true\">é\n<"), p);
    }
}
