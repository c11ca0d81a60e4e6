package dev.vctt.stream.application.port.out;

import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * For keeping every session, its messages and how it ended.
 *
 * <p>The writing methods never wait for the database: they accept the record and store it in the
 * background, in order, retrying until it is stored. {@link #opened} may refuse with
 * {@link StoreUnavailable} when the store cannot take more (so no new stream starts that could not be
 * recorded); {@link #progressed} and {@link #closed} are always accepted for a session that was opened.
 * The reading methods are synchronous and may throw {@link StoreUnavailable}.
 */
public interface SessionStore {

    void opened(SessionOpened session);

    void progressed(List<SessionProgress> progress);

    void closed(SessionClosed session);

    /** A session that a crash left behind is marked interrupted, with what it had streamed. */
    void interrupted(RunningSession session, Instant at);

    /** Sessions stored as running, at start-up: those a previous run of the server left behind. */
    List<RunningSession> running();

    /** A session and its messages; with an API key, only that key's sessions are found. */
    Optional<SessionView> find(SessionId id, Caller caller);

    StatsReport stats(StatsQuery query, Caller caller);

    /** Whether the database answers now (for the health check; never throws). */
    boolean reachable();
}
