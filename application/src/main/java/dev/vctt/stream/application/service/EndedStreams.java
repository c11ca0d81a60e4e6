package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.session.SessionId;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams that ended and are still served from memory to a resume: for the linger time, and then
 * until the store has written their last records (the session's close and its last chunk batches).
 * Until then the database holds a running or missing session, so a resume read from it would answer
 * "not found" or replay a stale record.
 *
 * <p>Bounded: at most {@code max} streams ({@code VCTT_RESUME_MAX_ENDED}). While the database is down
 * every ended stream waits here, so past the bound the one that ended first leaves memory first, with
 * a warning (one per thousand); a resume of it then reads whatever the database has by then, which
 * may be "not found" until the database has caught up. The writer's backlog holds the same records meanwhile, so
 * the bound caps only what resumes add to an outage, not the outage itself.
 */
final class EndedStreams {

    private static final Logger log = LoggerFactory.getLogger(EndedStreams.class);
    private static final int WARN_EVERY = 1000;

    private final int max;
    /** In the order they ended: the first is the first to go when full. */
    private final Map<SessionId, StreamRun> held = new LinkedHashMap<>();
    private long dropped;

    EndedStreams(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        this.max = max;
    }

    synchronized void add(StreamRun run) {
        held.put(run.sessionId(), run);
        if (held.size() > max) {
            Iterator<StreamRun> eldest = held.values().iterator();
            SessionId id = eldest.next().sessionId();
            eldest.remove();
            if (dropped++ % WARN_EVERY == 0) {
                log.warn("more than {} ended streams are kept for resumes (lingering, or waiting for the database to "
                        + "write them); stream {} left memory early ({} so far): a resume of it reads what the database "
                        + "has", max, id, dropped);
            }
        }
    }

    synchronized Optional<StreamRun> find(SessionId id) {
        return Optional.ofNullable(held.get(id));
    }

    synchronized void forget(StreamRun run) {
        held.remove(run.sessionId(), run);
    }

    synchronized int size() {
        return held.size();
    }
}
