package dev.vctt.stream.domain.request;

import java.util.Objects;

/** One turn of a conversation sent to a model. */
public record ChatTurn(ChatRole role, String content) {

    public ChatTurn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
