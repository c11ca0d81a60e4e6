package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.out.BandStore;
import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.application.port.out.ClusterSignals;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels that cross nodes: a cancel for a stream (or a band) that does not run here, of one the
 * caller may see and the shared store holds as running, is signalled to every node; the one that runs
 * it cancels its upstream (every member's, for a band). The check is made where the cancel arrives
 * (the store is shared), so the owner trusts the signal, and the caller gets the answer a local
 * cancel would give: unknown, someone else's and ended are all not found. The lookup runs on the
 * thread that received the cancel: while the store does not answer, it is not asked again for
 * {@link #RESTING} after a failure, so a burst of cancels during an outage is answered at once rather
 * than one connection timeout each.
 */
public final class ClusterCancels {

    private static final Logger log = LoggerFactory.getLogger(ClusterCancels.class);

    private final ClusterSignals signals;
    private final SessionQueries sessions;
    private final ActiveStreams active;
    private final ActiveBands bands;
    private final BandStore bandStore;
    private final InstantSource clock;
    private volatile Instant storeDownUntil = Instant.MIN;

    /** How long a store that failed a lookup is left alone. */
    static final Duration RESTING = Duration.ofSeconds(5);

    public ClusterCancels(ClusterSignals signals, SessionQueries sessions, ActiveStreams active, ActiveBands bands,
                          BandStore bandStore, InstantSource clock) {
        this.signals = Objects.requireNonNull(signals, "signals");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.active = Objects.requireNonNull(active, "active");
        this.bands = Objects.requireNonNull(bands, "bands");
        this.bandStore = Objects.requireNonNull(bandStore, "bandStore");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts cancelling the streams and bands running here that other nodes were asked to cancel. */
    public ClusterSignals.Subscription listen() {
        return signals.subscribe(signal -> {
            switch (signal) {
                case ClusterSignal.CancelStream cancel -> active.running(cancel.sessionId()).ifPresent(StreamRun::cancel);
                case ClusterSignal.CancelBand cancel -> bands.running(cancel.bandId()).ifPresent(BandRun::cancel);
                case ClusterSignal.HeadMoved ignored -> {
                    // for the remote tails
                }
            }
        });
    }

    /** Whether the cancel went out: the caller's stream runs elsewhere, as far as the store knows. */
    boolean requestElsewhere(SessionId sessionId, Caller caller) {
        // running or just ended here: the store may not know the end yet, and it is not another node's
        if (active.findForResume(sessionId).isPresent() || clock.instant().isBefore(storeDownUntil)) {
            return false;
        }
        boolean running;
        try {
            running = sessions.find(sessionId, caller).map(SessionView::status).filter("running"::equals).isPresent();
        } catch (StoreUnavailable e) {
            storeDownUntil = clock.instant().plus(RESTING);
            log.warn("cannot look up stream {} for a cancel on another node: {}", sessionId, e.getMessage());
            return false;
        }
        if (running) {
            signals.publish(new ClusterSignal.CancelStream(sessionId));
        }
        return running;
    }

    /**
     * Whether the band cancel went out: the caller's band runs on another live node, as far as the
     * store knows. A band running here for another connection is not this caller's to cancel, as locally.
     */
    boolean requestBandElsewhere(BandId bandId, Caller caller) {
        if (bands.running(bandId).isPresent() || clock.instant().isBefore(storeDownUntil)) {
            return false;
        }
        boolean running;
        try {
            running = bandStore.runsElsewhere(bandId, caller);
        } catch (StoreUnavailable e) {
            storeDownUntil = clock.instant().plus(RESTING);
            log.warn("cannot look up band {} for a cancel on another node: {}", bandId, e.getMessage());
            return false;
        }
        if (running) {
            signals.publish(new ClusterSignal.CancelBand(bandId));
        }
        return running;
    }
}
