package dev.vctt.stream.adapters.websocket.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vctt.stream.adapters.websocket.connection.ClientCommand;
import dev.vctt.stream.adapters.websocket.connection.ClientConnection;
import dev.vctt.stream.adapters.websocket.connection.Connections;
import dev.vctt.stream.adapters.websocket.connection.FrameCodec;
import dev.vctt.stream.adapters.websocket.connection.FrameSize;
import dev.vctt.stream.adapters.websocket.connection.Outbox;
import dev.vctt.stream.adapters.websocket.connection.TextFrameSender;
import dev.vctt.stream.adapters.websocket.connection.WellFormedText;
import dev.vctt.stream.application.port.in.AuthOutcome;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Socket.IO client's connection: the Engine.IO open packet and heartbeat, joining and leaving
 * the namespace {@code /stream}, and the client's events, handed to the protocol-neutral
 * {@link ClientConnection} that the native protocol uses too. Every frame, pings and
 * acknowledgements included, goes through the connection's one bounded {@link Outbox}.
 *
 * <p>With connection state recovery on, the CONNECT reply carries a private session id ({@code pid})
 * and every event an offset ({@link NumberedFrames}); a connection that drops is parked for the
 * recovery window, and a client that comes back with its {@code pid} and last offset resumes each
 * of its streams from the first chunk it does not hold ({@link RecoveryLedger}).
 *
 * <p>Frames arrive on the server's I/O workers, one at a time per connection; the heartbeat and the
 * connect deadline run on the protocol's timer thread; a slow client may be closed from any thread.
 * The lock guards only the state below; nothing waits while holding it.
 */
final class SocketIoConnection {

    private static final Logger log = LoggerFactory.getLogger(SocketIoConnection.class);
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private enum Phase { AWAITING_CONNECT, JOINED, CLOSED }

    private final SocketIoProtocol protocol;
    private final SocketIoFrames frames;
    private final Session session;
    private final Optional<String> handshakeKey;
    private final Outbox outbox;

    private final ReentrantLock lock = new ReentrantLock();
    /** Open until {@link #stop} has parked this connection (or let it go) and left its pid. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Phase phase = Phase.AWAITING_CONNECT;
    private ClientConnection client;
    private Caller caller;
    private String sid;
    private String pid;
    private NumberedFrames numbered;
    private boolean awaitingPong;
    private ScheduledFuture<?> nextPing;
    private ScheduledFuture<?> pongDeadline;
    private ScheduledFuture<?> connectDeadline;

    SocketIoConnection(SocketIoProtocol protocol, Session session, Optional<String> handshakeKey) {
        this.protocol = protocol;
        this.frames = protocol.frames();
        this.session = session;
        this.handshakeKey = handshakeKey;
        this.outbox = new Outbox(
                TextFrameSender.of(session),
                protocol.limits().outboxChars(), protocol.limits().outboxWindow(),
                giveUp -> {
                    // off the offering thread: it may be a provider thread holding a stream's lock, and
                    // closing reaches the client-gone path, which takes stream locks
                    CloseReason reason = Connections.reasonFor(giveUp);
                    Thread.ofVirtual().name("sio-close").start(
                            () -> close(reason.getCloseCode(), reason.getReasonPhrase(), true));
                });
    }

    /** Sends the open packet and starts the heartbeat and the connect deadline. */
    void open() {
        SocketIoSettings settings = protocol.settings();
        outbox.offer(frames.open(newId(), settings, protocol.limits().transportFrameBytes()));
        lock.lock();
        try {
            nextPing = schedule(this::ping, settings.pingInterval());
            connectDeadline = schedule(this::connectTimedOut, settings.connectTimeout());
        } catch (RejectedExecutionException e) {
            // the server is stopping
        } finally {
            lock.unlock();
        }
    }

    /** One text frame from the client. */
    void receive(String text) {
        if (FrameSize.exceeds(text, protocol.limits().transportFrameBytes())) {
            closeNow(CloseReason.CloseCodes.TOO_BIG, "a frame may be at most " + protocol.limits().maxFrameBytes() + " bytes");
            return;
        }
        Inbound packet = frames.read(text, FrameSize.exceeds(text, protocol.limits().maxFrameBytes()));
        switch (packet) {
            case Inbound.Pong pong -> pong();
            case Inbound.Close close -> closeNow(CloseReason.CloseCodes.NORMAL_CLOSURE, "closed by the client");
            case Inbound.Noop noop -> {
            }
            case Inbound.Connect connect -> connect(connect);
            case Inbound.Disconnect disconnect -> disconnect(disconnect);
            case Inbound.Event event -> event(event);
            case Inbound.Ack ack -> {
                if (joined(ack.namespace()) == null) {
                    violation("an acknowledgement for namespace " + ack.namespace() + ", which is not joined");
                }
            }
            case Inbound.Violation violation -> closeNow(violation.code(), violation.reason());
        }
    }

    /** A binary frame: the server reads text packets only. */
    void receiveBinary() {
        closeNow(CloseReason.CloseCodes.CANNOT_ACCEPT, "binary frames are not supported");
    }

    private void connect(Inbound.Connect connect) {
        if (!SocketIoFrames.NAMESPACE.equals(connect.namespace())) {
            outbox.offer(frames.invalidNamespace(connect.namespace()));
            return;
        }
        if (joined(SocketIoFrames.NAMESPACE) != null) {
            violation("CONNECT to " + SocketIoFrames.NAMESPACE + ", which is already joined");
            return;
        }
        Optional<String> key = connect.auth().map(auth -> auth.get("token")).filter(JsonNode::isTextual)
                .map(token -> token.asText().strip()).filter(token -> !token.isEmpty()).or(() -> handshakeKey);
        switch (protocol.useCases().authenticate().authenticate(key)) {
            case AuthOutcome.Refused refused -> {
                log.info("refused a Socket.IO client at CONNECT: {}", refused.reason());
                outbox.offer(frames.unauthorized());
            }
            case AuthOutcome.Authenticated authenticated -> join(authenticated.caller(), connect.auth());
        }
    }

    private void join(Caller who, Optional<ObjectNode> auth) {
        SocketIoSettings.Recovery recovery = protocol.settings().recovery();
        Optional<RecoveryLedger.Plan> plan = Optional.empty();
        String newSid = newId();
        String newPid = null;
        if (recovery.enabled()) {
            Optional<String> claimed = auth.map(a -> a.get("pid")).filter(JsonNode::isTextual).map(JsonNode::asText);
            Optional<OptionalLong> offset = auth.flatMap(SocketIoConnection::offset);
            if (claimed.isPresent() && offset.isPresent()) {
                Optional<ParkedConnections.Parked> parked = protocol.parked().claim(claimed.get(), who);
                plan = parked.flatMap(p -> p.ledger().recover(offset.get()));
                if (plan.isPresent()) {
                    newSid = parked.get().sid();
                    newPid = claimed.get();
                }
            }
            if (newPid == null) {
                newPid = newId();
            }
        }
        FrameCodec codec = frames;
        NumberedFrames numberedFrames = null;
        if (recovery.enabled()) {
            numberedFrames = new NumberedFrames(frames,
                    plan.map(RecoveryLedger.Plan::ledger).orElseGet(() -> new RecoveryLedger(recovery.eventsKept())));
            codec = numberedFrames;
        }
        var connection = new ClientConnection(ClientId.of("sio-" + newId()), who, codec,
                protocol.useCases(), protocol.work(), protocol.clock(), protocol.limits().maxPending(),
                protocol.limits().replayPatience());
        connection.attach(outbox);
        lock.lock();
        try {
            if (phase != Phase.AWAITING_CONNECT) {
                return;
            }
            phase = Phase.JOINED;
            client = connection;
            caller = who;
            sid = newSid;
            pid = newPid;
            numbered = numberedFrames;
            cancel(connectDeadline);
            protocol.connections().opened(session, connection);
            if (newPid != null) {
                // under the lock, so that a close racing the join always finds the entry to remove
                protocol.parked().joined(newPid, this);
            }
        } finally {
            lock.unlock();
        }
        outbox.offer(frames.connected(newSid, Optional.ofNullable(newPid)));
        plan.ifPresent(recovered -> {
            log.debug("Socket.IO connection {} recovered {} stream(s)", session.getId(), recovered.steps().size());
            for (RecoveryLedger.Step step : recovered.steps()) {
                step.start().ifPresent(connection::started);
                connection.receive(new ClientCommand.ResumeStream(step.sessionId(), step.fromIndex()));
            }
        });
    }

    /**
     * The offset in a reconnecting client's CONNECT: empty inside when the client has received no
     * event yet (it sends its pid alone), none at all when the offset is not one of ours.
     */
    private static Optional<OptionalLong> offset(ObjectNode auth) {
        JsonNode offset = auth.get("offset");
        if (offset == null || offset.isNull()) {
            return Optional.of(OptionalLong.empty());
        }
        if (!offset.isTextual()) {
            return Optional.empty();
        }
        OptionalLong parsed = Offsets.parse(offset.asText());
        return parsed.isPresent() ? Optional.of(parsed) : Optional.empty();
    }

    /** Whether this connection's client is the caller's (the same API key). */
    boolean belongsTo(Caller other) {
        lock.lock();
        try {
            return caller != null && caller.apiKey().equals(other.apiKey());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The client reconnected with this connection's pid: this one is dead, park it for the new one.
     * Returns once it is parked, also when its transport's own close got there first and is still
     * parking it: a client back within that moment would otherwise find nothing to claim.
     */
    void superseded() {
        close(CloseReason.CloseCodes.GOING_AWAY, "the client reconnected", true);
        try {
            // the stop does no I/O (maps and the outbox), so this is a moment, bounded all the same
            stopped.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void disconnect(Inbound.Disconnect disconnect) {
        boolean left = false;
        String leftPid = null;
        lock.lock();
        try {
            if (phase == Phase.JOINED && SocketIoFrames.NAMESPACE.equals(disconnect.namespace())) {
                phase = Phase.AWAITING_CONNECT;
                client = null;
                leftPid = pid;
                left = true;
            }
        } finally {
            lock.unlock();
        }
        if (!left) {
            violation("DISCONNECT from a namespace that is not joined");
            return;
        }
        if (leftPid != null) {
            protocol.parked().left(leftPid, this);
        }
        protocol.connections().left(session);
    }

    private void event(Inbound.Event event) {
        ClientConnection current = joined(event.namespace());
        if (current == null) {
            violation("an event for namespace " + event.namespace() + ", which is not joined (CONNECT comes first)");
            return;
        }
        if (event.ackId().isEmpty()) {
            current.receive(event.command());
            return;
        }
        long ackId = event.ackId().getAsLong();
        current.receive(event.command(), receipt -> {
            if (!current.isClosed()) {
                outbox.offer(frames.ack(ackId, receipt));
            }
        });
    }

    /** The client of the namespace if it is joined, else null. */
    private ClientConnection joined(String namespace) {
        lock.lock();
        try {
            return phase == Phase.JOINED && SocketIoFrames.NAMESPACE.equals(namespace) ? client : null;
        } finally {
            lock.unlock();
        }
    }

    private void ping() {
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return;
            }
            awaitingPong = true;
            pongDeadline = schedule(this::pongMissing, protocol.settings().pingTimeout());
        } catch (RejectedExecutionException e) {
            return;
        } finally {
            lock.unlock();
        }
        outbox.offer(SocketIoFrames.PING);
    }

    private void pong() {
        lock.lock();
        try {
            if (!awaitingPong || phase == Phase.CLOSED) {
                return;
            }
            awaitingPong = false;
            cancel(pongDeadline);
            nextPing = schedule(this::ping, protocol.settings().pingInterval());
        } catch (RejectedExecutionException e) {
            // the server is stopping
        } finally {
            lock.unlock();
        }
    }

    private void pongMissing() {
        lock.lock();
        try {
            if (!awaitingPong || phase == Phase.CLOSED) {
                return;
            }
        } finally {
            lock.unlock();
        }
        close(CloseReason.CloseCodes.VIOLATED_POLICY, "ping timeout", true);
    }

    private void connectTimedOut() {
        lock.lock();
        try {
            if (phase != Phase.AWAITING_CONNECT) {
                return;
            }
        } finally {
            lock.unlock();
        }
        close(CloseReason.CloseCodes.VIOLATED_POLICY, "no namespace joined within "
                + protocol.settings().connectTimeout().toMillis() + " ms");
    }

    /** A fault in what the client sent, found on the thread that read it. */
    private void violation(String reason) {
        closeNow(CloseReason.CloseCodes.PROTOCOL_ERROR, reason);
    }

    /** Closes the connection, off the calling thread; its client may not recover it. */
    void close(CloseReason.CloseCode code, String reason) {
        close(code, reason, false);
    }

    /**
     * Closes the connection, off the calling thread; {@code recoverable} when the client did not
     * mean to leave (a dropped transport, a ping timeout, a slow read), as in the reference server.
     */
    private void close(CloseReason.CloseCode code, String reason, boolean recoverable) {
        if (!stop(recoverable)) {
            return;
        }
        log.debug("closing Socket.IO connection {}: {} {}", session.getId(), code.getCode(), reason);
        var closeReason = new CloseReason(code, shorten(reason));
        Thread.ofVirtual().name("sio-close").start(() -> closeSession(closeReason));
    }

    /**
     * Closes the connection on the calling thread: a server that stops, or the read thread that found
     * a fault in a frame (see {@link dev.vctt.stream.adapters.websocket.connection.Connections#closeHere}
     * for why that one must not hand the close to another thread).
     */
    void closeNow(CloseReason.CloseCode code, String reason) {
        if (stop(false)) {
            closeSession(new CloseReason(code, shorten(reason)));
        }
    }

    /** The transport closed (whoever closed it): stop the streams and timers. */
    void transportClosed() {
        stop(true);
    }

    private boolean stop(boolean recoverable) {
        boolean park;
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return false;
            }
            park = recoverable && phase == Phase.JOINED && numbered != null;
            phase = Phase.CLOSED;
            client = null;
            cancel(nextPing);
            cancel(pongDeadline);
            cancel(connectDeadline);
        } finally {
            lock.unlock();
        }
        protocol.connections().closed(session);
        outbox.close();
        if (park) {
            // after closed(): the streams no longer send to this connection, so its ledger is complete
            protocol.parked().park(pid, new ParkedConnections.Parked(caller, sid, numbered.close()));
        }
        if (pid != null) {
            protocol.parked().left(pid, this);
        }
        protocol.forget(this);
        stopped.countDown();
        return true;
    }

    private void closeSession(CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            log.debug("closing a Socket.IO session failed", e);
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return protocol.timers().schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** A close reason must be well-formed and fit in 123 UTF-8 bytes. */
    private static String shorten(String reason) {
        return WellFormedText.fitUtf8(reason, MAX_CLOSE_REASON_BYTES);
    }
}
