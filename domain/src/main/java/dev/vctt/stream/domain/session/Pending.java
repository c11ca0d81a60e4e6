package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** Started, no chunk sent yet. Earlier attempts are those that failed before their first chunk. */
public record Pending(SessionId id, AgentRole role, Instant startedAt, Attempt attempt, List<AttemptResult> earlier)
        implements Live {

    public Pending {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(attempt, "attempt");
        earlier = List.copyOf(earlier);
    }

    public static Pending start(SessionId id, AgentRole role, Instant startedAt, Attempt first) {
        return new Pending(id, role, startedAt, first, List.of());
    }

    @Override
    public int chunks() {
        return 0;
    }

    @Override
    public Streaming append(String text, OptionalLong tokens, Instant at) {
        return new Streaming(id, role, startedAt, at, 0, attempt, earlier).append(text, tokens, at);
    }

    @Override
    public Pending report(ReportedUsage usage) {
        return new Pending(id, role, startedAt, attempt.withReport(usage), earlier);
    }

    /** The current attempt failed before its first chunk; the next model takes over unseen by the client. */
    @Override
    public Pending fallBackTo(Attempt next, AttemptEnd.Failed why) {
        return new Pending(id, role, startedAt, next, SessionTotals.plus(earlier, attempt.end(why)));
    }

    @Override
    public Pending nextStep(Attempt next) {
        return new Pending(id, role, startedAt, next,
                SessionTotals.plus(earlier, attempt.end(new AttemptEnd.Finished(FinishReason.TOOL_CALLS))));
    }

    /** The model ended its answer without a single chunk of text. */
    @Override
    public Completed complete(FinishReason reason, Instant at) {
        return new Completed(id, role, startedAt, Optional.empty(), at, 0, reason,
                SessionTotals.plus(earlier, attempt.end(new AttemptEnd.Finished(reason))));
    }

    @Override
    public Cancelled cancel(Instant at) {
        return new Cancelled(id, role, startedAt, Optional.empty(), at, 0,
                SessionTotals.plus(earlier, attempt.end(new AttemptEnd.Cancelled())));
    }

    @Override
    public Failed fail(FailureKind kind, String detail, Instant at) {
        return new Failed(id, role, startedAt, Optional.empty(), at, 0, kind, detail,
                SessionTotals.plus(earlier, attempt.end(new AttemptEnd.Failed(kind, detail))));
    }
}
