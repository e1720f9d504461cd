package org.farnode.app.model.chat;

import java.util.Locale;
import java.util.Objects;

/** One turn of a conversation: who said it and what. */
public record ChatMessage(Role role, String content) {

    /** The speakers a chat template knows; {@link #jinjaName()} is the name templates compare against. */
    public enum Role {
        SYSTEM, USER, ASSISTANT;

        /** {@code system}, {@code user} or {@code assistant}, as in a template's {@code message['role']}. */
        public String jinjaName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }
}
