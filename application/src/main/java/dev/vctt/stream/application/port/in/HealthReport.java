package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.ToolServerStatus;
import java.util.List;

/**
 * The server's health. Streaming goes on while the database is down (writes wait and are retried),
 * so a database that does not answer makes the server degraded, not down; a tool server that is down
 * only takes its tools away, so it shows here without degrading the server.
 */
public record HealthReport(int activeStreams, boolean databaseUp, List<ToolServerStatus> toolServers) {

    public HealthReport {
        toolServers = List.copyOf(toolServers);
    }

    public HealthReport(int activeStreams, boolean databaseUp) {
        this(activeStreams, databaseUp, List.of());
    }
}
