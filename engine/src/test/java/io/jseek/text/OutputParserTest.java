package io.jseek.text;

import io.jseek.json.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputParserTest {

    /** The final result plus what the concatenated stream of events said. */
    private record Run(ParsedOutput result, String reasoning, String content, List<String> names, List<String> args) {
    }

    private static Run run(boolean thinking, boolean tools, List<String> chunks) {
        OutputParser p = new OutputParser(thinking, tools);
        List<OutputEvent> events = new ArrayList<>();
        for (String c : chunks) events.addAll(p.feed(c));
        events.addAll(p.finish());
        StringBuilder r = new StringBuilder(), c = new StringBuilder();
        List<String> names = new ArrayList<>();
        Map<Integer, StringBuilder> args = new HashMap<>();
        for (OutputEvent e : events) {
            switch (e) {
                case OutputEvent.ReasoningDelta d -> r.append(d.text());
                case OutputEvent.ContentDelta d -> c.append(d.text());
                case OutputEvent.ToolCallBegin b -> {
                    assertEquals(names.size(), b.index());
                    names.add(b.name());
                }
                case OutputEvent.ToolCallArguments a -> args.computeIfAbsent(a.index(), k -> new StringBuilder()).append(a.fragment());
            }
        }
        List<String> argList = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) argList.add(args.getOrDefault(i, new StringBuilder()).toString());
        return new Run(p.result(), r.toString(), c.toString(), names, argList);
    }

    private static Run run(boolean thinking, String text) {
        return run(thinking, true, List.of(text));
    }

    /** Stream and final result must agree with each other. */
    private static void assertConsistent(Run r) {
        assertEquals(r.result().reasoningContent(), r.reasoning());
        assertEquals(r.result().content(), r.content());
        assertEquals(r.result().toolCalls().stream().map(ToolCall::name).toList(), r.names());
        assertEquals(r.result().toolCalls().stream().map(ToolCall::arguments).toList(), r.args());
    }

    @SuppressWarnings("unchecked")
    private static void assertMatchesGolden(Map<String, Object> expect, Run r) {
        assertConsistent(r);
        assertEquals(expect.get("reasoning_content"), r.result().reasoningContent());
        assertEquals(expect.get("content"), r.result().content());
        List<Map<String, Object>> calls = (List<Map<String, Object>>) expect.get("tool_calls");
        assertEquals(calls.size(), r.result().toolCalls().size());
        for (int i = 0; i < calls.size(); i++) {
            Map<String, Object> fn = (Map<String, Object>) calls.get(i).get("function");
            assertEquals(fn.get("name"), r.result().toolCalls().get(i).name());
            assertEquals(fn.get("arguments"), r.result().toolCalls().get(i).arguments());
        }
        assertEquals(calls.isEmpty() ? "stop" : "tool_calls", r.result().finishReason());
    }

    @TestFactory
    Stream<DynamicTest> parseGoldenWholeAndEverySplit() {
        List<Map<String, Object>> cases = EncodingGolden.load("parse-golden.jsonl");
        assertEquals(4, cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest((String) c.get("id"), () -> {
            boolean thinking = "thinking".equals(c.get("thinking_mode"));
            String text = (String) c.get("completion");
            @SuppressWarnings("unchecked")
            Map<String, Object> expect = (Map<String, Object>) c.get("expect");
            assertMatchesGolden(expect, run(thinking, text));
            for (int cut = 0; cut <= text.length(); cut++) {
                assertMatchesGolden(expect, run(thinking, true, List.of(text.substring(0, cut), text.substring(cut))));
            }
            assertMatchesGolden(expect, run(thinking, true, text.chars().mapToObj(ch -> String.valueOf((char) ch)).toList()));
            Random rnd = new Random(7);
            for (int trial = 0; trial < 50; trial++) assertMatchesGolden(expect, run(thinking, true, randomSplit(text, rnd)));
        }));
    }

    private static List<String> randomSplit(String text, Random rnd) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int n = Math.min(text.length() - i, 1 + rnd.nextInt(6));
            parts.add(text.substring(i, i + n));
            i += n;
        }
        return parts;
    }

    @Test
    void heldBackTextIsNeverPartialMarkup() {
        String text = "Thinking...</think>Answer\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n"
                + "<｜DSML｜parameter name=\"q\" string=\"true\">x</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>";
        OutputParser p = new OutputParser(true, true);
        for (int i = 0; i < text.length(); i++) {
            for (OutputEvent e : p.feed(text.substring(i, i + 1))) {
                if (e instanceof OutputEvent.ContentDelta(String t)) assertFalse(t.contains("<") || t.contains("\n"), t);
                if (e instanceof OutputEvent.ReasoningDelta(String t)) assertFalse(t.contains("<"), t);
            }
        }
        p.finish();
        assertEquals("Answer", p.result().content());
        assertEquals("{\"q\": \"x\"}", p.result().toolCalls().getFirst().arguments());
    }

    @Test
    void contentEndingInNewlinesIsReleasedAtFinish() {
        Run r = run(false, true, List.of("a\n", "\n"));
        assertEquals("a\n\n", r.result().content());
        assertConsistent(r);
        assertEquals("x < y", run(false, "x < y").result().content());
        assertEquals("ends with <", run(false, "ends with <").result().content());
    }

    @Test
    void truncatedToolBlockDoesNotLeak() {
        Run r = run(false, "Let me check.\n\n<｜DSML｜tool_ca");
        assertEquals("Let me check.", r.result().content());
        assertEquals("stop", r.result().finishReason());
        Run open = run(false, "\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n"
                + "<｜DSML｜parameter name=\"a\" string=\"false\">1</｜DSML｜parameter>\n<｜DSML｜parameter name=\"b\" string=\"true\">cut");
        assertConsistent(open);
        assertEquals(List.of(new ToolCall(null, "f", "{\"a\": 1}")), open.result().toolCalls());
    }

    @Test
    void toolBlockInsideReasoningEndsIt() {
        Run r = run(true, "plan\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>");
        assertConsistent(r);
        assertEquals("plan", r.result().reasoningContent());
        assertEquals("", r.result().content());
        assertEquals(List.of(new ToolCall(null, "f", "{}")), r.result().toolCalls());
    }

    @Test
    void asciiDsmlAbbreviatedClosersAndTypedValues() {
        Run r = run(false, "<|DSML|tool_calls>\n<|DSML|invoke name=\"g\">\n"
                + "<|DSML|parameter name=\"o\" string=\"false\">{\"k\": [1, true]}</|DSML|parameter>\n"
                + "<｜DSML｜parameter name=\"s\" string=\"true\">a \"quoted\" <b></｜DSML｜param>\n"
                + "<｜DSML｜parameter name=\"bad\" string=\"false\">not json</｜DSML｜parameter>\n"
                + "</｜DSML｜inv>\n</｜DSML｜tool>");
        assertConsistent(r);
        String args = r.result().toolCalls().getFirst().arguments();
        assertEquals("{\"o\": {\"k\": [1, true]}, \"s\": \"a \\\"quoted\\\" <b>\", \"bad\": \"not json\"}", args);
        assertEquals(Map.of("o", Map.of("k", List.of(1L, true)), "s", "a \"quoted\" <b>", "bad", "not json"), Json.parse(args));
    }

    @Test
    void strayThinkTagsAndEosAreDropped() {
        Run r = run(false, "</think>Hi<think> there<｜end▁of▁sentence｜>ignored");
        assertEquals("Hi there", r.result().content());
        assertEquals("", r.result().reasoningContent());
    }

    @Test
    void toolsDisabledSwallowsBlock() {
        Run r = run(false, false, List.of("ok\n\n<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"f\">\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>"));
        assertEquals("ok", r.result().content());
        assertTrue(r.result().toolCalls().isEmpty());
        assertTrue(r.names().isEmpty());
        assertEquals("stop", r.result().finishReason());
    }

    @Test
    void surrogatePairsAreNotSplitAcrossDeltas() {
        String text = "a😀b";
        OutputParser p = new OutputParser(false, true);
        List<OutputEvent> events = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) events.addAll(p.feed(text.substring(i, i + 1)));
        events.addAll(p.finish());
        for (OutputEvent e : events) {
            String t = ((OutputEvent.ContentDelta) e).text();
            assertFalse(Character.isHighSurrogate(t.charAt(t.length() - 1)));
        }
        assertEquals(text, p.result().content());
    }
}
