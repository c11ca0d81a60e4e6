package dev.vctt.stream.adapters.websocket;

import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import java.util.List;
import java.util.Objects;

/** Where the server listens, what each connection may do, and which browser origins may connect. */
public record WebServerSettings(String host, int port, ConnectionLimits limits, List<String> allowedOrigins) {

    public WebServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(limits, "limits");
        allowedOrigins = List.copyOf(allowedOrigins);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
