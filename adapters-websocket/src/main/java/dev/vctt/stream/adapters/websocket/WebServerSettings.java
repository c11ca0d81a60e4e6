package dev.vctt.stream.adapters.websocket;

import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.http.ServedDocument;
import dev.vctt.stream.adapters.websocket.socketio.SocketIoSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where the server listens, what each connection may do, which browser origins may connect, how
 * often a stream waiting for its first chunk gets a {@code stream_heartbeat}, the Socket.IO
 * heartbeat, and the extra documents served over HTTP (besides the test client page).
 */
public record WebServerSettings(String host, int port, ConnectionLimits limits, List<String> allowedOrigins,
                                Duration heartbeat, SocketIoSettings socketIo, List<ServedDocument> documents) {

    public WebServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(socketIo, "socketIo");
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("the heartbeat interval must be positive");
        }
        allowedOrigins = List.copyOf(allowedOrigins);
        documents = List.copyOf(documents);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Settings with the Socket.IO defaults and no extra document. */
    public WebServerSettings(String host, int port, ConnectionLimits limits, List<String> allowedOrigins,
                             Duration heartbeat) {
        this(host, port, limits, allowedOrigins, heartbeat, SocketIoSettings.DEFAULTS, List.of());
    }

    public WebServerSettings withSocketIo(SocketIoSettings other) {
        return new WebServerSettings(host, port, limits, allowedOrigins, heartbeat, other, documents);
    }

    public WebServerSettings withDocuments(List<ServedDocument> other) {
        return new WebServerSettings(host, port, limits, allowedOrigins, heartbeat, socketIo, other);
    }
}
