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

    public void opened(Session session, ClientConnection connection) {
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

    /** Cancels the session's streams at once, then closes it with the reason, off the calling thread. */
    public void close(Session session, CloseReason reason) {
        closed(session);
        Thread.ofVirtual().name("ws-close").start(() -> {
            try {
                session.close(reason);
            } catch (IOException | IllegalStateException e) {
                log.debug("closing a session failed", e);
            }
        });
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
