package io.jseek.text;

import io.jseek.json.Json;
import io.jseek.json.JsonException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link ChatRequest} into the exact prompt string of DeepSeek's V4 reference encoder
 * ({@code encoding_dsv4.py}, April release; spec §3.2). The string includes BOS and ends with the generation
 * prompt {@code <｜Assistant｜><think>} (thinking) or {@code <｜Assistant｜></think>} (chat).
 */
public final class ChatEncoder {
    private ChatEncoder() {
    }

    /** A content part of a merged user turn: plain text, or a tool result tied to a call id. */
    private record Block(boolean toolResult, String text, String callId) {
    }

    /** A message after the encoder's rewrites (tools attached, tool results merged into user turns). */
    private record Turn(ChatRole role, String content, String reasoning, List<ToolCall> toolCalls,
                        List<ToolSpec> tools, List<Block> blocks) {
        Turn withTools(List<ToolSpec> t) {
            return new Turn(role, content, reasoning, toolCalls, t, blocks);
        }

        boolean isUserLike() {
            return role == ChatRole.USER || role == ChatRole.DEVELOPER;
        }
    }

    public static String encode(ChatRequest request) {
        List<Turn> turns = mergeToolResults(attachTools(request));
        boolean thinking = request.thinking();
        boolean drop = request.dropThinking() && turns.stream().noneMatch(t -> !t.tools().isEmpty());
        if (thinking && drop) turns = dropOldDeveloperTurns(turns);
        int lastUser = lastUserIndex(turns);

        StringBuilder out = new StringBuilder(V4Format.BOS);
        for (int i = 0; i < turns.size(); i++) {
            Turn t = turns.get(i);
            if (i == 0 && thinking && request.effort() == ReasoningEffort.MAX) out.append(V4Format.REASONING_EFFORT_MAX);
            switch (t.role()) {
                case SYSTEM -> {
                    out.append(orEmpty(t.content()));
                    appendTools(out, t.tools());
                }
                case DEVELOPER -> {
                    if (t.content() == null) throw new IllegalArgumentException("developer message needs content");
                    out.append(V4Format.USER).append(t.content());
                    appendTools(out, t.tools());
                }
                case USER -> {
                    out.append(V4Format.USER);
                    if (t.blocks() == null) out.append(orEmpty(t.content()));
                    else appendBlocks(out, t.blocks());
                }
                case ASSISTANT -> {
                    // reasoning is kept when nothing is dropped or the turn is the one being continued
                    if (thinking && (!drop || i > lastUser)) {
                        out.append(orEmpty(t.reasoning())).append(V4Format.THINK_END);
                    }
                    out.append(orEmpty(t.content()));
                    if (!t.toolCalls().isEmpty()) appendToolCalls(out, t.toolCalls());
                    out.append(V4Format.EOS);
                }
                case TOOL -> throw new IllegalStateException("tool messages are merged before rendering");
            }
            boolean last = i + 1 == turns.size();
            if ((last || turns.get(i + 1).role() == ChatRole.ASSISTANT) && t.isUserLike()) {
                out.append(V4Format.ASSISTANT);
                out.append(thinking && (!drop || i >= lastUser) ? V4Format.THINK_START : V4Format.THINK_END);
            }
        }
        return out.toString();
    }

    private static List<Turn> attachTools(ChatRequest request) {
        List<Turn> turns = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            turns.add(new Turn(m.role(), m.content(), m.reasoningContent(), m.toolCalls(), List.of(),
                    m.role() == ChatRole.TOOL ? List.of(new Block(true, orEmpty(m.content()), m.toolCallId())) : null));
        }
        if (!request.tools().isEmpty()) {
            Turn first = turns.getFirst();
            if (first.role() == ChatRole.SYSTEM || first.role() == ChatRole.DEVELOPER) {
                turns.set(0, first.withTools(request.tools()));
            } else {
                // vLLM/SGLang convention: an empty system turn carries the tools, so the prompt starts "\n\n## Tools"
                turns.addFirst(new Turn(ChatRole.SYSTEM, null, null, List.of(), request.tools(), null));
            }
        }
        return turns;
    }

    /**
     * Tool results become {@code <tool_result>} blocks of one user turn (a user message right after them joins
     * it), ordered like the calls of the preceding assistant turn.
     */
    private static List<Turn> mergeToolResults(List<Turn> in) {
        List<Turn> out = new ArrayList<>();
        for (Turn t : in) {
            Turn prev = out.isEmpty() ? null : out.getLast();
            boolean prevMerged = prev != null && prev.role() == ChatRole.USER && prev.blocks() != null;
            if (t.role() == ChatRole.TOOL || (t.role() == ChatRole.USER && prevMerged)) {
                Block block = t.blocks() != null ? t.blocks().getFirst() : new Block(false, orEmpty(t.content()), null);
                if (prevMerged) {
                    prev.blocks().add(block);
                } else {
                    List<Block> blocks = new ArrayList<>();
                    blocks.add(block);
                    out.add(new Turn(ChatRole.USER, null, null, List.of(), List.of(), blocks));
                }
                continue;
            }
            out.add(t);
        }
        List<ToolCall> calls = List.of();
        for (Turn t : out) {
            if (t.role() == ChatRole.ASSISTANT) {
                calls = t.toolCalls();
            } else if (t.blocks() != null) {
                List<ToolCall> answered = calls;
                t.blocks().sort(Comparator.comparingInt(b -> callOrder(b, answered))); // stable: ties keep order
            }
        }
        return out;
    }

    /** Sort key: position of the answered call; unknown ids and text keep their arrival order after them. */
    private static int callOrder(Block b, List<ToolCall> calls) {
        if (!b.toolResult()) return Integer.MAX_VALUE;
        for (int k = 0; k < calls.size(); k++) {
            if (calls.get(k).id() != null && calls.get(k).id().equals(b.callId())) return k;
        }
        return Integer.MAX_VALUE;
    }

    private static List<Turn> dropOldDeveloperTurns(List<Turn> turns) {
        int lastUser = lastUserIndex(turns);
        List<Turn> out = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            if (i < lastUser && turns.get(i).role() == ChatRole.DEVELOPER) continue;
            out.add(turns.get(i));
        }
        return out;
    }

    private static int lastUserIndex(List<Turn> turns) {
        for (int i = turns.size() - 1; i >= 0; i--) {
            if (turns.get(i).isUserLike()) return i;
        }
        return -1;
    }

    private static void appendTools(StringBuilder out, List<ToolSpec> tools) {
        if (tools.isEmpty()) return;
        out.append("\n\n").append(V4Format.TOOLS_HEADER);
        for (int k = 0; k < tools.size(); k++) {
            if (k > 0) out.append('\n');
            PyJson.write(out, tools.get(k).function());
        }
        out.append(V4Format.TOOLS_FOOTER);
    }

    private static void appendBlocks(StringBuilder out, List<Block> blocks) {
        for (int k = 0; k < blocks.size(); k++) {
            if (k > 0) out.append("\n\n");
            Block b = blocks.get(k);
            if (b.toolResult()) out.append(V4Format.TOOL_RESULT_START).append(b.text()).append(V4Format.TOOL_RESULT_END);
            else out.append(b.text());
        }
    }

    /** The DSML block of an assistant turn (spec §3.2): one invoke per call, one parameter per argument. */
    static void appendToolCalls(StringBuilder out, List<ToolCall> calls) {
        out.append("\n\n").append(V4Format.TOOL_CALLS_START).append('\n');
        for (int c = 0; c < calls.size(); c++) {
            if (c > 0) out.append('\n');
            ToolCall call = calls.get(c);
            out.append('<').append(V4Format.DSML).append("invoke name=\"").append(call.name()).append("\">\n");
            boolean first = true;
            for (Map.Entry<String, Object> e : argumentsOf(call).entrySet()) {
                if (!first) out.append('\n');
                first = false;
                boolean isString = e.getValue() instanceof String;
                out.append('<').append(V4Format.DSML).append("parameter name=\"").append(e.getKey())
                        .append("\" string=\"").append(isString).append("\">");
                if (isString) out.append((String) e.getValue());
                else PyJson.write(out, e.getValue());
                out.append(V4Format.PARAMETER_END);
            }
            out.append('\n').append(V4Format.INVOKE_END);
        }
        out.append('\n').append(V4Format.TOOL_CALLS_END);
    }

    /** Arguments as an ordered map; text that is not a JSON object becomes a single {@code arguments} string. */
    private static Map<String, Object> argumentsOf(ToolCall call) {
        try {
            if (Json.parse(call.arguments()) instanceof Map<?, ?> m) {
                Map<String, Object> args = new LinkedHashMap<>();
                m.forEach((k, v) -> args.put((String) k, v));
                return args;
            }
        } catch (JsonException e) {
            // fall through: the reference encoder keeps unparsable arguments as one string parameter
        }
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("arguments", call.arguments());
        return raw;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
