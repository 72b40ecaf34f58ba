package io.jseek.server;

import java.util.Map;

/** The two wire dialects; they differ in the error envelope and, on the stream, in event framing. */
enum Dialect {
    OPENAI, ANTHROPIC;

    Map<String, Object> error(ApiException e) {
        if (this == ANTHROPIC) return Js.obj("type", "error", "error", Js.obj("type", e.anthropicType, "message", e.getMessage()));
        return Js.obj("error", Js.obj("message", e.getMessage(), "type", e.openAiType, "param", null, "code", e.code));
    }
}
