package dev.vctt.stream.application.port.in;

/**
 * The server's health. Streaming goes on while the database is down (writes wait and are retried),
 * so a database that does not answer makes the server degraded, not down.
 */
public record HealthReport(int activeStreams, boolean databaseUp) {
}
