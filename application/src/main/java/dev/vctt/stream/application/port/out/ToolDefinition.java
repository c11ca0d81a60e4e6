package dev.vctt.stream.application.port.out;

import java.util.Objects;

/**
 * A tool a model may be offered: its name (unique over all servers), the server that runs it, its
 * description and its input schema as JSON text. Description and schema come from the tool's server
 * and are untrusted: they go to the model and nowhere else (never to logs, never to routing).
 */
public record ToolDefinition(String name, String server, String description, String inputSchemaJson) {

    public ToolDefinition {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchemaJson, "inputSchemaJson");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool has a name");
        }
    }
}
