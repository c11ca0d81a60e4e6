package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.application.port.out.ApiKeyStore;
import dev.vctt.stream.application.port.out.Scheduler;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.ApiKeyId;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this server knows of the API keys its connections act for. A connection authenticates once,
 * at its handshake; from then on its key is never looked up on the frame path. Instead every key
 * admitted since start-up is checked against the store in the background, all in one read, every
 * {@code recheck}: a key revoked in the store is refused here at most {@code recheck} (plus one read)
 * later, and stays refused (a revocation is final). While the store cannot answer, what was known
 * stays known: an outage neither revokes a key nor drops a connection.
 */
public final class LiveKeys {

    private static final Logger log = LoggerFactory.getLogger(LiveKeys.class);

    private final ApiKeyStore store;
    private final Scheduler scheduler;
    private final Duration recheck;
    private final Set<ApiKeyId> watched = ConcurrentHashMap.newKeySet();
    private final Set<ApiKeyId> revoked = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private volatile boolean storeDown;

    public LiveKeys(ApiKeyStore store, Scheduler scheduler, Duration recheck) {
        this.store = Objects.requireNonNull(store, "store");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.recheck = Objects.requireNonNull(recheck, "recheck");
        if (recheck.isNegative() || recheck.isZero()) {
            throw new IllegalArgumentException("the key recheck interval must be positive");
        }
    }

    /** How long a revocation may take to be noticed. */
    public Duration recheck() {
        return recheck;
    }

    /** Starts rechecking every {@link #recheck()}. */
    public void start() {
        running = true;
        scheduler.schedule(recheck, this::tick);
    }

    public void stop() {
        running = false;
    }

    /** A key the store has just found live, for a connection that now acts for it. */
    void admitted(ApiKeyId key) {
        watched.add(key);
    }

    /** Whether the caller's key has been found revoked since it was admitted. */
    public boolean revoked(Caller caller) {
        return caller.apiKey().map(revoked::contains).orElse(false);
    }

    /** Asks the store about every key admitted and not yet known revoked, in one read. */
    public void recheckNow() {
        Set<ApiKeyId> asked = new HashSet<>(watched);
        asked.removeAll(revoked);
        if (asked.isEmpty()) {
            return;
        }
        Set<ApiKeyId> live;
        try {
            live = store.live(asked);
        } catch (StoreUnavailable e) {
            if (!storeDown) {
                log.warn("cannot recheck API keys, keeping what is known until the database answers: {}", e.getMessage());
            }
            storeDown = true;
            return;
        }
        if (storeDown) {
            log.info("API keys are rechecked again");
        }
        storeDown = false;
        asked.removeAll(live);
        for (ApiKeyId key : asked) {
            if (revoked.add(key)) {
                log.info("API key {} has been revoked: its connections' new requests are refused", key.value());
            }
        }
    }

    private void tick() {
        if (!running) {
            return;
        }
        try {
            recheckNow();
        } catch (RuntimeException e) {
            log.warn("rechecking API keys failed: {}", e.getMessage());
        } finally {
            if (running) {
                scheduler.schedule(recheck, this::tick);
            }
        }
    }
}
