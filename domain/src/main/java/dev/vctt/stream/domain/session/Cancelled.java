package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.routing.AgentRole;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The client cancelled the stream or went away; what was streamed until then is still billed. */
public record Cancelled(SessionId id, AgentRole role, Instant startedAt, Optional<Instant> firstTokenAt,
                        Instant endedAt, int chunks, List<AttemptResult> attempts) implements Ended {

    public Cancelled {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(firstTokenAt, "firstTokenAt");
        Objects.requireNonNull(endedAt, "endedAt");
        attempts = List.copyOf(attempts);
        if (attempts.isEmpty()) {
            throw new IllegalArgumentException("a cancelled session made at least one attempt");
        }
    }
}
