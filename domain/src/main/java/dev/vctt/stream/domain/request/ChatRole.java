package dev.vctt.stream.domain.request;

import java.util.Locale;
import java.util.Optional;

/** Who said a turn of the conversation. */
public enum ChatRole {
    SYSTEM,
    USER,
    ASSISTANT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ChatRole> fromWireName(String name) {
        for (ChatRole role : values()) {
            if (role.wireName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
