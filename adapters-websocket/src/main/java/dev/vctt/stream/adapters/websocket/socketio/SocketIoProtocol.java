package dev.vctt.stream.adapters.websocket.socketio;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.connection.Connections;
import dev.vctt.stream.adapters.websocket.connection.StreamingUseCases;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Session;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.glassfish.grizzly.http.server.HttpHandler;

/**
 * Everything the Socket.IO-compatible protocol shares between its connections: the codec, the
 * timer thread that runs every connection's heartbeat and connect deadline, and the connections
 * still open, to close at shutdown. {@code WebServer} registers its endpoint at
 * {@link #PATHS}, asks it about handshakes, and serves its HTTP refusal there.
 */
public final class SocketIoProtocol implements AutoCloseable {

    /** Where socket.io-client connects ({@code path} option {@code /socket.io}, trailing slash added by default). */
    public static final List<String> PATHS = List.of("/socket.io/", "/socket.io");

    private final ObjectMapper json;
    private final SocketIoFrames frames;
    private final StreamingUseCases useCases;
    private final ConnectionLimits limits;
    private final SocketIoSettings settings;
    private final Connections connections;
    private final Executor work;
    private final InstantSource clock;
    private final ScheduledThreadPoolExecutor timers;
    private final Set<SocketIoConnection> open = ConcurrentHashMap.newKeySet();
    private final ParkedConnections parked;

    public SocketIoProtocol(ObjectMapper json, StreamingUseCases useCases, ConnectionLimits limits,
                            SocketIoSettings settings, Connections connections, Executor work, InstantSource clock) {
        this.json = json;
        this.frames = new SocketIoFrames(json, limits.maxFrameBytes());
        this.useCases = useCases;
        this.limits = limits;
        this.settings = settings;
        this.connections = connections;
        this.work = work;
        this.clock = clock;
        this.timers = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("socketio-timer").daemon().factory());
        this.timers.setRemoveOnCancelPolicy(true);
        this.parked = new ParkedConnections(settings.recovery(), timers);
    }

    /** A new endpoint for one connection. */
    public Endpoint newEndpoint() {
        return new SocketIoStreamEndpoint(this);
    }

    /**
     * Why a WebSocket upgrade to {@link #PATHS} must be refused, as the JSON body of an HTTP 400
     * ({@code {"code":5,"message":"Unsupported protocol version"}} for {@code EIO=3}, …); empty if it
     * may go on.
     */
    public Optional<String> handshakeRefusal(String queryString) {
        return EngineIoHandshake.check(queryString, true).map(error -> error.json(json));
    }

    /** Answers plain HTTP requests (long-polling) with the Engine.IO error the reference server gives. */
    public HttpHandler httpHandler() {
        return new EngineIoHttpHandler(json);
    }

    /** Stops the heartbeats and closes every connection still open, telling clients the server is going away. */
    @Override
    public void close() {
        timers.shutdownNow();
        for (SocketIoConnection connection : List.copyOf(open)) {
            connection.closeNow(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
        }
    }

    SocketIoConnection opened(Session session, Optional<String> handshakeKey) {
        var connection = new SocketIoConnection(this, session, handshakeKey);
        open.add(connection);
        return connection;
    }

    void forget(SocketIoConnection connection) {
        open.remove(connection);
    }

    SocketIoFrames frames() {
        return frames;
    }

    StreamingUseCases useCases() {
        return useCases;
    }

    ConnectionLimits limits() {
        return limits;
    }

    SocketIoSettings settings() {
        return settings;
    }

    Connections connections() {
        return connections;
    }

    Executor work() {
        return work;
    }

    InstantSource clock() {
        return clock;
    }

    ParkedConnections parked() {
        return parked;
    }

    ScheduledExecutorService timers() {
        return timers;
    }
}
