package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.AgentRole;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The stream ended with an error: the kind and detail of the failure that ended it. */
public record Failed(SessionId id, AgentRole role, Instant startedAt, Optional<Instant> firstTokenAt,
                     Instant endedAt, int chunks, FailureKind kind, String detail, List<AttemptResult> attempts)
        implements Ended {

    public Failed {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(firstTokenAt, "firstTokenAt");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        attempts = List.copyOf(attempts);
        if (attempts.isEmpty()) {
            throw new IllegalArgumentException("a failed session made at least one attempt");
        }
    }
}
