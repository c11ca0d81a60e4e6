package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.Distribution;
import dev.vctt.stream.application.port.DistributionQuery;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.application.port.out.RunningSession;
import dev.vctt.stream.application.port.out.SessionClosed;
import dev.vctt.stream.application.port.out.SessionJournal;
import dev.vctt.stream.application.port.out.SessionOpened;
import dev.vctt.stream.application.port.out.SessionProgress;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The session journal and its queries in memory, synchronous; can be told to refuse, as a full or broken store would. */
public final class InMemorySessionStore implements SessionJournal, SessionQueries {

    private final Map<SessionId, StoredSessions.Entry> sessions = new LinkedHashMap<>();
    private volatile boolean refusing;
    /** Writes accepted while lagging, and what waits for them, in order; null when keeping up. */
    private List<Runnable> lagging;

    public void refuseNewSessions(boolean refuse) {
        this.refusing = refuse;
    }

    /** From now on progress and closes are accepted but not written, as by a database that is down or slow. */
    public synchronized void lag() {
        if (lagging == null) {
            lagging = new ArrayList<>();
        }
    }

    /** Writes what was held back, in order, running each {@link #whenWritten} callback in its turn; keeps up from now on. */
    public synchronized void catchUp() {
        List<Runnable> backlog = lagging == null ? List.of() : lagging;
        lagging = null;
        backlog.forEach(Runnable::run);
    }

    private boolean heldBack(Runnable write) {
        if (lagging == null) {
            return false;
        }
        lagging.add(write);
        return true;
    }

    @Override
    public synchronized void whenWritten(Runnable then) {
        if (!heldBack(then)) {
            then.run();
        }
    }

    @Override
    public synchronized void opened(SessionOpened session) {
        if (refusing) {
            throw new StoreUnavailable("refusing, as told");
        }
        sessions.put(session.id(), new StoredSessions.Entry(session));
    }

    @Override
    public synchronized void progressed(List<SessionProgress> progress) {
        if (heldBack(() -> progressed(progress))) {
            return;
        }
        for (SessionProgress p : progress) {
            StoredSessions.Entry entry = sessions.get(p.id());
            if (entry != null && entry.closed == null && entry.interruptedAt == null) {
                entry.progress = p;
            }
        }
    }

    @Override
    public synchronized void closed(SessionClosed session) {
        if (heldBack(() -> closed(session))) {
            return;
        }
        StoredSessions.Entry entry = sessions.get(session.session().id());
        // the first end is kept, like the store's fence on a running row
        if (entry != null && entry.closed == null && entry.interruptedAt == null) {
            entry.closed = session;
        }
    }

    @Override
    public synchronized void interrupted(RunningSession session, Instant at) {
        StoredSessions.Entry entry = sessions.get(session.id());
        if (entry != null && entry.closed == null) {
            entry.interruptedAt = at;
        }
    }

    /** Marks every running session interrupted and returns them, in one step (what a take-over claims). */
    synchronized List<RunningSession> interruptAllRunning(Instant at) {
        List<RunningSession> taken = running();
        taken.forEach(session -> interrupted(session, at));
        return taken;
    }

    @Override
    public synchronized List<RunningSession> running() {
        return sessions.values().stream().filter(e -> e.closed == null && e.interruptedAt == null)
                .map(StoredSessions::running).toList();
    }

    @Override
    public synchronized Optional<SessionView> find(SessionId id, Caller caller) {
        return Optional.ofNullable(sessions.get(id)).filter(e -> visible(e, caller)).map(StoredSessions.Entry::view);
    }

    @Override
    public synchronized StatsReport stats(StatsQuery query, Caller caller) {
        return StoredSessions.stats(query, sessions.values().stream().filter(e -> visible(e, caller)).toList());
    }

    @Override
    public synchronized Series series(SeriesQuery query, Caller caller) {
        return StoredSessions.series(query, sessions.values().stream().filter(e -> visible(e, caller)).toList());
    }

    @Override
    public synchronized Distribution distribution(DistributionQuery query, Caller caller) {
        return StoredSessions.distribution(query, sessions.values().stream().filter(e -> visible(e, caller)).toList());
    }

    @Override
    public boolean reachable() {
        return !refusing;
    }

    private static boolean visible(StoredSessions.Entry entry, Caller caller) {
        return caller.apiKey().isEmpty() || caller.apiKey().equals(entry.opened.caller().apiKey());
    }
}
