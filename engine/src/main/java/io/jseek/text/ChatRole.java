package io.jseek.text;

import java.util.Locale;

/** Message roles understood by the V4 encoder (the OpenAI set plus {@code developer}, which the encoder knows). */
public enum ChatRole {
    SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL;

    /** The role's wire name, as sent in {@code messages[].role}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ChatRole parse(String wire) {
        for (ChatRole r : values()) {
            if (r.wireName().equals(wire)) return r;
        }
        throw new IllegalArgumentException("unknown message role '" + wire
                + "' (expected system, developer, user, assistant or tool)");
    }
}
