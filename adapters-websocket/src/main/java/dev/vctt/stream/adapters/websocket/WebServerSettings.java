package dev.vctt.stream.adapters.websocket;

import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where the server listens, what each connection may do, which browser origins may connect, and how
 * often a stream waiting for its first chunk gets a {@code stream_heartbeat}.
 */
public record WebServerSettings(String host, int port, ConnectionLimits limits, List<String> allowedOrigins,
                                Duration heartbeat) {

    public WebServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("the heartbeat interval must be positive");
        }
        allowedOrigins = List.copyOf(allowedOrigins);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
