package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.ToolServerStatus;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's health. Streaming goes on while the database is down (writes wait and are retried),
 * so a database that does not answer makes the server degraded, not down. {@code endpoints}: each
 * provider endpoint by name, false while it refuses our key. A tool server that is down only takes
 * its tools away, so it shows here without degrading the server. {@code node}: this server as a node
 * among those sharing the database.
 */
public record HealthReport(int activeStreams, boolean databaseUp, Map<String, Boolean> endpoints,
                           List<ToolServerStatus> toolServers, Optional<Node> node) {

    /**
     * This node: its name and fencing token, the streams it owns under its lease, and how long ago it
     * last renewed that lease in the shared database (its lag: past the lease, others take its streams).
     */
    public record Node(String nodeId, long token, int leasesHeld, long lagMillis) {
        public Node {
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }

    public HealthReport {
        endpoints = Map.copyOf(endpoints);
        toolServers = List.copyOf(toolServers);
        Objects.requireNonNull(node, "node");
    }

    public HealthReport(int activeStreams, boolean databaseUp, Map<String, Boolean> endpoints,
                        List<ToolServerStatus> toolServers) {
        this(activeStreams, databaseUp, endpoints, toolServers, Optional.empty());
    }

    public HealthReport(int activeStreams, boolean databaseUp) {
        this(activeStreams, databaseUp, Map.of(), List.of());
    }
}
