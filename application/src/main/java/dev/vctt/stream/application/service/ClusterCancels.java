package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.application.port.out.ClusterSignals;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels that cross nodes: a cancel for a stream that does not run here, of a stream the caller may
 * see and the shared store holds as running, is signalled to every node; the one that runs it cancels
 * its upstream. The check is made where the cancel arrives (the store is shared), so the owner trusts
 * the signal.
 */
public final class ClusterCancels {

    private static final Logger log = LoggerFactory.getLogger(ClusterCancels.class);

    private final ClusterSignals signals;
    private final SessionQueries sessions;
    private final ActiveStreams active;

    public ClusterCancels(ClusterSignals signals, SessionQueries sessions, ActiveStreams active) {
        this.signals = Objects.requireNonNull(signals, "signals");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.active = Objects.requireNonNull(active, "active");
    }

    /** Starts cancelling the streams running here that other nodes were asked to cancel. */
    public ClusterSignals.Subscription listen() {
        return signals.subscribe(signal -> {
            if (signal instanceof ClusterSignal.CancelStream cancel) {
                active.running(cancel.sessionId()).ifPresent(StreamRun::cancel);
            }
        });
    }

    /** Whether the cancel went out: the caller's stream runs elsewhere, as far as the store knows. */
    boolean requestElsewhere(SessionId sessionId, Caller caller) {
        boolean running;
        try {
            running = sessions.find(sessionId, caller).map(SessionView::status).filter("running"::equals).isPresent();
        } catch (StoreUnavailable e) {
            log.warn("cannot look up stream {} for a cancel from another node: {}", sessionId, e.getMessage());
            return false;
        }
        if (running) {
            signals.publish(new ClusterSignal.CancelStream(sessionId));
        }
        return running;
    }
}
