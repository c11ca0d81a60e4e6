package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.NodeIdentity;
import dev.vctt.stream.application.port.out.Scheduler;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.application.port.out.StreamLeases;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's pulse among the servers sharing the database: every {@code every}, one write renews the
 * lease over all the streams it owns, then (when it shares the database) the streams of nodes whose
 * lease ran out are taken over, marked interrupted and billed. A period is a third of the lease, so two
 * renewals may fail before the lease is lost.
 */
public final class NodeHeartbeat {

    private static final Logger log = LoggerFactory.getLogger(NodeHeartbeat.class);

    private final StreamLeases leases;
    private final Optional<RecoverSessionsService> takeOver;
    private final Scheduler scheduler;
    private final InstantSource clock;
    private final Duration every;
    private volatile boolean running;
    private volatile Instant renewedAt;
    private volatile boolean storeDown;

    /**
     * @param takeOver present when other servers share the database: their abandoned streams are
     *                 taken over on every beat (alone, a server takes over only once, at start-up)
     */
    public NodeHeartbeat(StreamLeases leases, Optional<RecoverSessionsService> takeOver, Scheduler scheduler,
                         InstantSource clock, Duration every) {
        this.leases = Objects.requireNonNull(leases, "leases");
        this.takeOver = Objects.requireNonNull(takeOver, "takeOver");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.every = Objects.requireNonNull(every, "every");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("the heartbeat period must be positive");
        }
        this.renewedAt = clock.instant();
    }

    /** The lease length that a period of {@code every} suits: three beats. */
    public static Duration periodFor(Duration lease) {
        return lease.dividedBy(3).isZero() ? Duration.ofMillis(1) : lease.dividedBy(3);
    }

    public NodeIdentity node() {
        return leases.node();
    }

    /** How long ago this node's lease was last renewed (its lag behind the shared database). */
    public Duration sinceRenewed() {
        Duration since = Duration.between(renewedAt, clock.instant());
        return since.isNegative() ? Duration.ZERO : since;
    }

    public void start() {
        running = true;
        scheduler.schedule(every, this::tick);
    }

    public void stop() {
        running = false;
    }

    /** One beat: renew, then take over what dead nodes left. */
    public void beat() {
        try {
            leases.renew();
            renewedAt = clock.instant();
            takeOver.ifPresent(RecoverSessionsService::recover);
            if (storeDown) {
                log.info("node {} renews its lease again", leases.node().nodeId());
            }
            storeDown = false;
        } catch (StoreUnavailable e) {
            if (!storeDown) {
                log.warn("node {} cannot renew its lease: {}", leases.node().nodeId(), e.getMessage());
            }
            storeDown = true;
        }
    }

    private void tick() {
        if (!running) {
            return;
        }
        try {
            beat();
        } catch (RuntimeException e) {
            log.warn("the heartbeat of node {} failed: {}", leases.node().nodeId(), e.getMessage());
        } finally {
            if (running) {
                scheduler.schedule(every, this::tick);
            }
        }
    }
}
