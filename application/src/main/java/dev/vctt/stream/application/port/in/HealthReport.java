package dev.vctt.stream.application.port.in;

import java.util.Map;

/**
 * The server's health. Streaming goes on while the database is down (writes wait and are retried),
 * so a database that does not answer makes the server degraded, not down. {@code endpoints}: each
 * provider endpoint by name, false while it refuses our key.
 */
public record HealthReport(int activeStreams, boolean databaseUp, Map<String, Boolean> endpoints) {

    public HealthReport {
        endpoints = Map.copyOf(endpoints);
    }

    public HealthReport(int activeStreams, boolean databaseUp) {
        this(activeStreams, databaseUp, Map.of());
    }
}
