package dev.vctt.stream.application.port.out;

import java.util.Objects;

/** A complete tool call a model asked for: its id, the tool's name, and its arguments as JSON text. */
public record ToolCall(String id, String name, String argumentsJson) {

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(argumentsJson, "argumentsJson");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool call names its tool");
        }
    }
}
