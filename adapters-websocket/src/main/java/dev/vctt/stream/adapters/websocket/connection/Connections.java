package dev.vctt.stream.adapters.websocket.connection;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The open WebSocket sessions of every protocol, to count them and to close them at shutdown. */
public final class Connections {

    private static final Logger log = LoggerFactory.getLogger(Connections.class);

    private final Map<Session, ClientConnection> open = new ConcurrentHashMap<>();

    /** The connection's client is here: it counts, and it may start streams. */
    public void opened(Session session, ClientConnection connection) {
        connection.open();
        open.put(session, connection);
    }

    public void closed(Session session) {
        ClientConnection connection = open.remove(session);
        if (connection != null) {
            connection.closed();
        }
    }

    /**
     * The client left but its transport stays open (a Socket.IO namespace DISCONNECT): its streams
     * stop and it no longer counts as a connection.
     */
    public void left(Session session) {
        ClientConnection connection = open.remove(session);
        if (connection != null) {
            connection.detach();
        }
    }

    /** Sends heartbeats for every connection's streams that still wait for their first chunk. */
    public void heartbeat(Instant now, Duration every) {
        open.values().forEach(connection -> connection.heartbeat(now, every));
    }

    public int count() {
        return open.size();
    }

    /** How a connection whose outbox gave up is closed: 1013 for a slow reader, 1011 when a frame could not be sent. */
    public static CloseReason reasonFor(Outbox.GiveUp giveUp) {
        return switch (giveUp) {
            case SLOW_CONSUMER -> new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "slow consumer");
            case SEND_FAILED -> new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "a frame could not be sent");
        };
    }

    /**
     * Tells the application the session's client is gone, then closes it with the reason, all off the
     * calling thread: the caller may be a stream's provider thread inside the outbox (a slow reader),
     * holding locks that the client-gone path takes in another order.
     */
    public void close(Session session, CloseReason reason) {
        Thread.ofVirtual().name("ws-close").start(() -> closeHere(session, reason));
    }

    /**
     * Closes on the thread that read the offending frame. Tyrus goes on reading the frames already
     * received after a close has begun, and one it rejects itself (bad UTF-8, say) makes it shut the
     * socket at once; a close still on its way on another thread would then never be written and the
     * client would see 1006. Closing here queues the close frame before the next frame is read.
     */
    public void closeHere(Session session, CloseReason reason) {
        closed(session);
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            log.debug("closing a session failed", e);
        }
    }

    /** Closes every session, telling clients the server is going away. */
    public void closeAll() {
        for (Session session : open.keySet()) {
            closed(session);
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down"));
            } catch (IOException | IllegalStateException e) {
                log.debug("closing a session at shutdown failed", e);
            }
        }
    }
}
