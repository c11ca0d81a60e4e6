package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.Objects;

/**
 * The client holds more of the answer than the server kept (after a crash): its text from chunk
 * {@code fromIndex} on is to be replaced by {@code text}, so it never keeps text the server lacks.
 */
public record StreamResync(SessionId sessionId, int fromIndex, String text, Instant at) {

    public StreamResync {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(at, "at");
        if (fromIndex < 0) {
            throw new IllegalArgumentException("fromIndex must not be negative");
        }
    }
}
