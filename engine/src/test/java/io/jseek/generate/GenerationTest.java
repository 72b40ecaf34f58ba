package io.jseek.generate;

import io.jseek.text.OutputParser;
import io.jseek.text.StreamDecoder;
import io.jseek.text.TinyTokenizer;
import io.jseek.text.Tokenizer;
import io.jseek.text.V4Format;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Token stream → listener deltas and result: reasoning, content, stop strings, streamed tool calls. */
class GenerationTest {
    static final Tokenizer TOK = Tokenizer.fromJson(TinyTokenizer.build(1024), "tiny");

    static final class Events implements ChatListener {
        final StringBuilder reasoning = new StringBuilder(), content = new StringBuilder();
        final List<String> calls = new ArrayList<>();
        final StringBuilder args = new StringBuilder();
        ChatResult result;

        @Override public void onReasoning(String d) { reasoning.append(d); }
        @Override public void onContent(String d) { content.append(d); }
        @Override public void onToolCall(int index, String id, String name) { calls.add(index + ":" + id + ":" + name); }
        @Override public void onToolArguments(int index, String f) { args.append(f); }
        @Override public void onFinish(ChatResult r) { result = r; }
    }

    /** Feeds {@code text} token by token as if generated, then ends like the scheduler would. */
    static Events run(String text, boolean thinking, boolean tools, List<String> stops) {
        Events ev = new Events();
        Generation g = new Generation(new StreamDecoder(TOK), new OutputParser(thinking, tools), thinking, stops,
                TOK.specialId(V4Format.EOS), TOK.specialId(V4Format.THINK_END), false, ev);
        int[] ids = TOK.encode(text);
        Sequence s = new Sequence(new int[]{1, 2, 3}, 1000, SamplingParams.DEFAULTS, TOK.vocabSize(), g);
        g.attach(s);
        boolean more = true;
        for (int id : ids) {
            if (!more) break;
            more = g.onToken(id);
        }
        g.onEnd(s, FinishReason.STOP, null);
        return ev;
    }

    @Test
    void reasoningThenContent() {
        Events e = run("let me think</think>The answer is 4." + V4Format.EOS, true, false, List.of());
        assertEquals("let me think", e.reasoning.toString());
        assertEquals("The answer is 4.", e.content.toString());
        assertEquals(e.reasoning.toString(), e.result.reasoning());
        assertEquals(e.content.toString(), e.result.content());
        assertEquals(FinishReason.STOP, e.result.finishReason());
        assertTrue(e.result.usage().reasoningTokens() >= 1);
        assertEquals(3, e.result.usage().promptTokens());
    }

    @Test
    void stopStringsApplyToContentOnlyAndAreReported() {
        Events e = run("STOP in thought</think>Hello STOP world", true, false, List.of("STOP"));
        assertEquals("STOP in thought", e.reasoning.toString());
        assertEquals("Hello ", e.content.toString());
        assertEquals("STOP", e.result.stopSequence());
    }

    @Test
    void toolCallsStreamWithIdsAndArguments() {
        String dsml = "Let me check.\n\n" + V4Format.TOOL_CALLS_START + "\n<" + V4Format.DSML + "invoke name=\"get_weather\">\n<"
                + V4Format.DSML + "parameter name=\"city\" string=\"true\">Paris" + V4Format.PARAMETER_END + "\n"
                + V4Format.INVOKE_END + "\n" + V4Format.TOOL_CALLS_END + V4Format.EOS;
        Events e = run(dsml, false, true, List.of());
        assertEquals("Let me check.", e.content.toString());
        assertEquals(1, e.calls.size());
        assertTrue(e.calls.getFirst().matches("0:call_00_[0-9a-f]{24}:get_weather"), e.calls.getFirst());
        assertEquals("{\"city\": \"Paris\"}", e.args.toString());
        assertEquals(FinishReason.TOOL_CALLS, e.result.finishReason());
        assertEquals(e.calls.getFirst().split(":")[1], e.result.toolCalls().getFirst().id());
        assertEquals(e.args.toString(), e.result.toolCalls().getFirst().arguments());
    }
}
