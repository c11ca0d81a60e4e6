package dev.vctt.stream.adapters.websocket.socketio;

import dev.vctt.stream.domain.access.Caller;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Connections whose client dropped and may come back with their {@code pid} within the recovery
 * window, and the joined connections by {@code pid} (a client may reconnect before the server has
 * noticed its old connection is dead). A parked connection is claimed once: by its own caller (the
 * same API key), with an offset its ledger can answer for. Bounded: at most {@code maxParked} wait
 * at once, each for at most the window.
 */
final class ParkedConnections {

    /** A dropped connection: whose it was, its socket id, and what it sent. */
    record Parked(Caller caller, String sid, RecoveryLedger ledger) {
        Parked {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(sid, "sid");
            Objects.requireNonNull(ledger, "ledger");
        }
    }

    private final SocketIoSettings.Recovery settings;
    private final ScheduledExecutorService timers;
    private final Map<String, Parked> parked = new ConcurrentHashMap<>();
    private final Map<String, SocketIoConnection> joined = new ConcurrentHashMap<>();

    ParkedConnections(SocketIoSettings.Recovery settings, ScheduledExecutorService timers) {
        this.settings = settings;
        this.timers = timers;
    }

    void joined(String pid, SocketIoConnection connection) {
        joined.put(pid, connection);
    }

    /** The connection left for good (or is parked now): it no longer answers to its pid. */
    void left(String pid, SocketIoConnection connection) {
        joined.remove(pid, connection);
    }

    /** Keeps a dropped connection for the window, unless too many already wait. */
    void park(String pid, Parked connection) {
        if (parked.size() >= settings.maxParked()) {
            return;
        }
        parked.put(pid, connection);
        try {
            timers.schedule(() -> parked.remove(pid, connection), settings.window().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            parked.remove(pid, connection);
        }
    }

    /**
     * The parked connection with this pid, if it is the caller's; it is no longer parked then. A
     * connection of the caller still joined under the pid is closed (and parked) first: its client
     * is evidently on a new one.
     */
    Optional<Parked> claim(String pid, Caller caller) {
        SocketIoConnection stale = joined.get(pid);
        if (stale != null && stale.belongsTo(caller)) {
            stale.superseded();
        }
        Parked found = parked.get(pid);
        if (found == null || !found.caller().apiKey().equals(caller.apiKey()) || !parked.remove(pid, found)) {
            return Optional.empty();
        }
        return Optional.of(found);
    }

    int parkedCount() {
        return parked.size();
    }
}
