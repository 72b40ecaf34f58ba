package io.jseek.text;

import io.jseek.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatRequestParserTest {

    private static ChatRequest parse(String json) {
        return ChatRequestParser.parse(Json.parseObject(json));
    }

    private static void assertRejected(String json, String expectedMessage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(json));
        assertTrue(e.getMessage().contains(expectedMessage), e.getMessage());
    }

    @Test
    void defaultsAreThinkingHighDropping() {
        ChatRequest r = parse("{\"model\":\"x\",\"unknown\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertTrue(r.thinking());
        assertEquals(ReasoningEffort.HIGH, r.effort());
        assertTrue(r.dropThinking());
        assertEquals(List.of(ChatMessage.user("hi")), r.messages());
    }

    @Test
    void readsAllMessageFields() {
        ChatRequest r = parse("""
                {"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
                 {"role":"assistant","content":null,"reasoning":"think",
                  "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":{"k":1}}}]},
                 {"role":"tool","tool_call_id":"c1","content":"out","name":"f"}],
                 "tools":[{"type":"function","function":{"name":"f","parameters":{}}}],
                 "chat_template_kwargs":{"enable_thinking":false,"drop_thinking":false}}""");
        assertEquals("ab", r.messages().get(0).content());
        ChatMessage a = r.messages().get(1);
        assertEquals("think", a.reasoningContent());
        assertEquals(List.of(new ToolCall("c1", "f", "{\"k\":1}")), a.toolCalls());
        assertEquals("c1", r.messages().get(2).toolCallId());
        assertEquals("f", r.tools().getFirst().name());
        assertFalse(r.thinking());
        assertFalse(r.dropThinking());
    }

    @Test
    void effortSpellings() {
        String base = "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"reasoning_effort\":";
        assertEquals(ReasoningEffort.MAX, parse(base + "\"ultra\"}").effort());
        assertEquals(ReasoningEffort.MAX, parse(base + "\"xhigh\"}").effort());
        assertEquals(ReasoningEffort.HIGH, parse(base + "\"low\"}").effort());
        assertEquals(ReasoningEffort.HIGH, parse(base + "\"minimal\"}").effort());
        assertEquals(ReasoningEffort.HIGH, parse(base + "\"medium\"}").effort());
        assertFalse(parse(base + "\"none\"}").thinking());
        assertRejected(base + "\"extreme\"}", "reasoning_effort: unknown reasoning_effort 'extreme'");
        assertRejected(base + "3}", "reasoning_effort: expected a string, got number 3");
    }

    @Test
    void clearErrors() {
        assertRejected("{}", "messages: must be a non-empty array");
        assertRejected("{\"messages\":{}}", "messages: expected an array, got an object");
        assertRejected("{\"messages\":[1]}", "messages[0]: expected an object, got number 1");
        assertRejected("{\"messages\":[{\"content\":\"x\"}]}", "messages[0].role: required");
        assertRejected("{\"messages\":[{\"role\":\"bot\"}]}", "messages[0].role: unknown message role 'bot'");
        assertRejected("{\"messages\":[{\"role\":\"user\",\"content\":5}]}",
                "messages[0].content: expected a string or an array of content parts, got number 5");
        assertRejected("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}",
                "messages[0].content[0].type: only \"text\" parts are supported");
        assertRejected("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "messages[0].tool_call_id: required");
        assertRejected("{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{}}]}]}",
                "messages[0].tool_calls[0].function.name: required");
        assertRejected("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"thinking\":{\"type\":\"on\"}}",
                "thinking.type: expected \"enabled\" or \"disabled\"");
        assertRejected("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"retrieval\"}]}",
                "tools[0].type: only \"function\" tools are supported");
    }
}
