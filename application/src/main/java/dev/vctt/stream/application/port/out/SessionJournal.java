package dev.vctt.stream.application.port.out;

import java.time.Instant;
import java.util.List;

/**
 * For keeping a record of every session as it happens: its start, where it stands, how it ended,
 * and, at start-up, closing what a crash left running.
 *
 * <p>The writing methods never wait for the database: they accept the record and store it in the
 * background, in order, retrying while the store is unreachable. {@link #opened} may refuse with
 * {@link StoreUnavailable} when the store cannot take more (so no new stream starts that could not be
 * recorded); {@link #progressed}, {@link #closed} and {@link #interrupted} are always accepted.
 * {@link #running} is synchronous and may throw {@link StoreUnavailable}. A session ends once: an end
 * or interruption after the first changes nothing.
 */
public interface SessionJournal {

    void opened(SessionOpened session);

    void progressed(List<SessionProgress> progress);

    void closed(SessionClosed session);

    /** Sessions stored as running, at start-up: those a previous run of the server left behind. */
    List<RunningSession> running();

    /** A session that a crash left behind is marked interrupted, with what it had streamed. */
    void interrupted(RunningSession session, Instant at);

    /**
     * Runs {@code then} once every record accepted before this call has been dealt with: stored, or
     * set aside as one that can never be stored. A journal that writes before it returns (the
     * default) runs it at once; one that writes in the background runs it on its own thread when the
     * backlog ahead of the call is written, however long the database is down.
     */
    default void whenWritten(Runnable then) {
        then.run();
    }
}
