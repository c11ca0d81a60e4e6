package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.List;

/**
 * For keeping every chunk a stream sent, so that a resume after the stream ended, or after a crash,
 * can replay it with its indexes and boundaries.
 *
 * <p>{@link #append} never waits for the database: it accepts the batches and stores them in the
 * background, in order, like the session records. {@link #read} and {@link #forgetBefore} are
 * synchronous and may throw {@link StoreUnavailable}.
 */
public interface ChunkLog {

    void append(List<ChunkBatch> batches);

    /** The stored chunks of a session from {@code fromIndex} on, in index order (empty if none). */
    List<LoggedChunk> read(SessionId sessionId, int fromIndex);

    /** Drops the chunks of sessions written before {@code before} (retention); returns how many batches went. */
    int forgetBefore(Instant before);

    /**
     * Runs {@code then} once every batch appended before this call has been dealt with: stored, or
     * set aside as one that can never be stored. A log that writes before it returns (the default)
     * runs it at once; one that writes in the background runs it on its own thread when the backlog
     * ahead of the call is written, however long the database is down.
     */
    default void whenWritten(Runnable then) {
        then.run();
    }
}
