package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.routing.AgentRole;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The answer ended normally (stop, length, content filter, tool calls, or a budget cut). */
public record Completed(SessionId id, AgentRole role, Instant startedAt, Optional<Instant> firstTokenAt,
                        Instant endedAt, int chunks, FinishReason finishReason, List<AttemptResult> attempts)
        implements Ended {

    public Completed {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(firstTokenAt, "firstTokenAt");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(finishReason, "finishReason");
        attempts = List.copyOf(attempts);
        if (attempts.isEmpty()) {
            throw new IllegalArgumentException("a completed session made at least one attempt");
        }
    }
}
