package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.AgentRole;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

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

    /** One line naming every model tried and what it answered. */
    public String describe() {
        if (attempts.size() == 1) {
            return lastRoute().model() + ": " + detail;
        }
        return "every model failed: " + attempts.stream().map(Failed::describe).collect(Collectors.joining("; "));
    }

    private static String describe(AttemptResult attempt) {
        String how = switch (attempt.end()) {
            case AttemptEnd.Failed failed -> failed.detail();
            case AttemptEnd.Finished finished -> "finished (" + finished.reason().wireName() + ")";
            case AttemptEnd.Cancelled cancelled -> "cancelled";
        };
        return attempt.route().model() + ": " + how;
    }
}
