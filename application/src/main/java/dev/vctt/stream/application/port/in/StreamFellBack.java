package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.Objects;

/**
 * A stream moved to another model: {@code from} failed for {@code reason}; chunks from
 * {@code atIndex} on come from {@code to}. Before the first chunk {@code atIndex} is 0.
 */
public record StreamFellBack(SessionId sessionId, ModelId from, ModelId to, String reason, int atIndex, Instant at) {

    public StreamFellBack {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
        if (atIndex < 0) {
            throw new IllegalArgumentException("atIndex must not be negative");
        }
    }
}
