package dev.vctt.stream.adapters.websocket.socketio;

import java.time.Duration;
import java.util.Objects;

/**
 * The Engine.IO heartbeat, the Socket.IO connect deadline and connection state recovery. The server
 * sends a ping every {@code pingInterval} (after the previous pong) and closes a connection whose
 * pong does not come within {@code pingTimeout}; both are advertised in the open packet, and
 * socket.io-client gives up on a server whose pings stop for their sum. A connection that joins no
 * namespace within {@code connectTimeout} is closed. Defaults are the reference server's: 25 s,
 * 20 s, 45 s.
 */
public record SocketIoSettings(Duration pingInterval, Duration pingTimeout, Duration connectTimeout,
                               Recovery recovery) {

    public static final SocketIoSettings DEFAULTS =
            new SocketIoSettings(Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofSeconds(45));

    /**
     * Socket.IO connection state recovery: a client whose connection dropped and that reconnects
     * within {@code window} with its {@code pid} and last offset gets what it missed and
     * {@code socket.recovered}. {@code eventsKept} bounds, per connection, how many recent offsets
     * are remembered (an older offset is not recovered); {@code maxParked} bounds how many dropped
     * connections wait for their client at once.
     */
    public record Recovery(boolean enabled, Duration window, int eventsKept, int maxParked) {

        public static final Recovery DEFAULTS = new Recovery(true, Duration.ofSeconds(30), 1024, 10_000);
        public static final Recovery OFF = new Recovery(false, Duration.ofSeconds(30), 1024, 10_000);

        public Recovery {
            Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException("window must not be negative: " + window);
            }
            if (eventsKept < 1 || maxParked < 1) {
                throw new IllegalArgumentException("eventsKept and maxParked must be positive: " + eventsKept + ", "
                        + maxParked);
            }
        }
    }

    public SocketIoSettings {
        positive(pingInterval, "pingInterval");
        positive(pingTimeout, "pingTimeout");
        positive(connectTimeout, "connectTimeout");
        Objects.requireNonNull(recovery, "recovery");
    }

    public SocketIoSettings(Duration pingInterval, Duration pingTimeout, Duration connectTimeout) {
        this(pingInterval, pingTimeout, connectTimeout, Recovery.DEFAULTS);
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    public SocketIoSettings withPing(Duration interval, Duration timeout) {
        return new SocketIoSettings(interval, timeout, connectTimeout, recovery);
    }

    public SocketIoSettings withRecovery(Recovery recovery) {
        return new SocketIoSettings(pingInterval, pingTimeout, connectTimeout, recovery);
    }
}
