package dev.vctt.stream.application.port;

import java.util.Objects;

/** How one configured tool server stands: its name, transport, whether its client is up, its allowed tools, restarts. */
public record ToolServerStatus(String name, String transport, boolean up, int tools, int restarts) {

    public ToolServerStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(transport, "transport");
    }
}
