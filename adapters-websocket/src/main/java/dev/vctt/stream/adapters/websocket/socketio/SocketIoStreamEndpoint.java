package dev.vctt.stream.adapters.websocket.socketio;

import dev.vctt.stream.adapters.websocket.connection.PresentedKey;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO-compatible protocol at {@code /socket.io/}: Engine.IO 4 over the websocket
 * transport, Socket.IO 5 packets, namespace {@code /stream}. One instance per connection; the work
 * is done by {@link SocketIoConnection}. The handshake has been checked before Tyrus sees it
 * ({@link SocketIoProtocol#handshakeRefusal}).
 */
public final class SocketIoStreamEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(SocketIoStreamEndpoint.class);

    /** The handshake's user property that carries the {@code Authorization} header, if the client sent one. */
    public static final String AUTHORIZATION = "vctt.socketio.authorization";

    private final SocketIoProtocol protocol;
    private SocketIoConnection connection;

    SocketIoStreamEndpoint(SocketIoProtocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        String query = session.getQueryString();
        if (EngineIoHandshake.check(query, true).isPresent()) {
            close(session, new CloseReason(CloseReason.CloseCodes.PROTOCOL_ERROR, "only EIO=4 over transport=websocket"));
            return;
        }
        Optional<String> key = PresentedKey.from((String) config.getUserProperties().get(AUTHORIZATION),
                PresentedKey.tokenParameter(query));
        connection = protocol.opened(session, key);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) connection::receive);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) bytes -> connection.receiveBinary());
        connection.open();
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        if (connection != null) {
            connection.transportClosed();
        }
    }

    @Override
    public void onError(Session session, Throwable failure) {
        log.debug("websocket error on Socket.IO session {}", session.getId(), failure);
    }

    private static void close(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (java.io.IOException | IllegalStateException e) {
            log.debug("closing a refused Socket.IO session failed", e);
        }
    }
}
