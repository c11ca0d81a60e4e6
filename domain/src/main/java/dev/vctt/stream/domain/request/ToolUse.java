package dev.vctt.stream.domain.request;

import java.util.Objects;

/** A tool call a model made in one of its turns: the provider's call id, the tool's name, its arguments as JSON text. */
public record ToolUse(String id, String name, String argumentsJson) {

    public ToolUse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(argumentsJson, "argumentsJson");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool use names its tool");
        }
    }
}
