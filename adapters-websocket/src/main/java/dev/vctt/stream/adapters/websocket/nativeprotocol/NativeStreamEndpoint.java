package dev.vctt.stream.adapters.websocket.nativeprotocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.ClientConnection;
import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.connection.Connections;
import dev.vctt.stream.adapters.websocket.connection.FrameSize;
import dev.vctt.stream.adapters.websocket.connection.Outbox;
import dev.vctt.stream.adapters.websocket.connection.StreamingUseCases;
import dev.vctt.stream.adapters.websocket.connection.TextFrameSender;
import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native protocol at {@code /stream}: JSON text frames {@code {"event","data"}} both ways. One
 * instance per connection. Bad frames get a {@code stream_error} and leave the connection usable.
 */
public final class NativeStreamEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(NativeStreamEndpoint.class);

    /** Where the endpoint is registered; the handshake guard lets through this exact path and no variant of it. */
    public static final String PATH = "/stream";

    /** The handshake's user property that carries the {@link Caller} authenticated, once, by the handshake guard. */
    public static final String CALLER = "vctt.caller";

    private final NativeFrames frames;
    private final StreamingUseCases useCases;
    private final ConnectionLimits limits;
    private final Connections connections;
    private final Executor work;
    private final InstantSource clock;

    public NativeStreamEndpoint(ObjectMapper json, StreamingUseCases useCases, ConnectionLimits limits,
                                Connections connections, Executor work, InstantSource clock) {
        this.frames = new NativeFrames(json);
        this.useCases = useCases;
        this.limits = limits;
        this.connections = connections;
        this.work = work;
        this.clock = clock;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        if (!(config.getUserProperties().get(CALLER) instanceof Caller caller)) {
            // every handshake is decided by the guard; one it did not authenticate must not act as anybody
            log.error("a native connection opened without an authenticated caller; closing it");
            connections.close(session, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "not authenticated"));
            return;
        }
        var connection = new ClientConnection(ClientId.of("ws-" + UUID.randomUUID()), caller, frames, useCases, work,
                clock, limits.maxPending(), limits.replayPatience());
        connection.attach(new Outbox(
                TextFrameSender.of(session),
                limits.outboxChars(), limits.outboxWindow(),
                giveUp -> connections.close(session, Connections.reasonFor(giveUp))));
        connections.opened(session, connection);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
            if (FrameSize.exceeds(text, limits.transportFrameBytes())) {
                connections.closeHere(session, new CloseReason(CloseReason.CloseCodes.TOO_BIG,
                        "a frame may be at most " + limits.maxFrameBytes() + " bytes"));
                return;
            }
            if (FrameSize.exceeds(text, limits.maxFrameBytes())) {
                connection.sendError(Optional.empty(), ErrorCode.MESSAGE_TOO_LARGE,
                        "a frame may be at most " + limits.maxFrameBytes() + " bytes", Optional.empty());
                return;
            }
            connection.receive(frames.read(text));
        });
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) bytes ->
                connection.sendError(Optional.empty(), ErrorCode.UNSUPPORTED_FRAME,
                        "binary frames are not supported; send JSON text frames", Optional.empty()));
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        connections.closed(session);
    }

    @Override
    public void onError(Session session, Throwable failure) {
        log.debug("websocket error on {}", session.getId(), failure);
    }
}
