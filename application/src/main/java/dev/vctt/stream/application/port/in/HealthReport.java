package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.ToolServerStatus;
import java.util.List;
import java.util.Map;

/**
 * The server's health. Streaming goes on while the database is down (writes wait and are retried),
 * so a database that does not answer makes the server degraded, not down. {@code endpoints}: each
 * provider endpoint by name, false while it refuses our key. A tool server that is down only takes
 * its tools away, so it shows here without degrading the server.
 */
public record HealthReport(int activeStreams, boolean databaseUp, Map<String, Boolean> endpoints,
                           List<ToolServerStatus> toolServers) {

    public HealthReport {
        endpoints = Map.copyOf(endpoints);
        toolServers = List.copyOf(toolServers);
    }

    public HealthReport(int activeStreams, boolean databaseUp) {
        this(activeStreams, databaseUp, Map.of(), List.of());
    }
}
