package dev.vctt.stream.adapters.websocket.socketio;

import java.time.Duration;
import java.util.Objects;

/**
 * The Engine.IO heartbeat and the Socket.IO connect deadline. The server sends a ping every
 * {@code pingInterval} (after the previous pong) and closes a connection whose pong does not come
 * within {@code pingTimeout}; both are advertised in the open packet, and socket.io-client gives up
 * on a server whose pings stop for their sum. A connection that joins no namespace within
 * {@code connectTimeout} is closed. Defaults are the reference server's: 25 s, 20 s, 45 s.
 */
public record SocketIoSettings(Duration pingInterval, Duration pingTimeout, Duration connectTimeout) {

    public static final SocketIoSettings DEFAULTS =
            new SocketIoSettings(Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofSeconds(45));

    public SocketIoSettings {
        positive(pingInterval, "pingInterval");
        positive(pingTimeout, "pingTimeout");
        positive(connectTimeout, "connectTimeout");
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    public SocketIoSettings withPing(Duration interval, Duration timeout) {
        return new SocketIoSettings(interval, timeout, connectTimeout);
    }
}
