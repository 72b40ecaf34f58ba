package io.jseek.server;

import io.jseek.generate.ToolCallResult;

import java.util.List;

/**
 * A dialect-neutral chat request: what both the OpenAI and the Anthropic handlers parse into.
 * {@link #render()} produces the V4 prompt text (BOS, system, User/Assistant turns, think tags).
 */
record Conversation(List<Message> messages, boolean thinking) {
    static final String BOS = "<｜begin▁of▁sentence｜>", EOS = "<｜end▁of▁sentence｜>";
    static final String USER = "<｜User｜>", ASSISTANT = "<｜Assistant｜>";

    record Message(String role, String content, String reasoning, List<ToolCallResult> toolCalls) {
        Message {
            content = content == null ? "" : content;
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }
    }

    Conversation {
        messages = List.copyOf(messages);
    }

    String render() {
        StringBuilder b = new StringBuilder(BOS);
        for (Message m : messages) {
            switch (m.role()) {
                case "system", "developer" -> b.append(m.content());
                case "user" -> b.append(USER).append(m.content());
                case "tool" -> b.append(USER).append("<tool_result>").append(m.content()).append("</tool_result>");
                case "assistant" -> {
                    b.append(ASSISTANT).append("</think>").append(m.content());
                    for (ToolCallResult c : m.toolCalls()) b.append("\n\n").append(c.name()).append(c.arguments());
                    b.append(EOS);
                }
                default -> throw ApiException.invalid("unknown message role '" + m.role() + "'");
            }
        }
        return b.append(ASSISTANT).append(thinking ? "<think>" : "</think>").toString();
    }
}
