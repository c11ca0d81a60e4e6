package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Chunks are flowing. {@code chunks} counts every chunk sent to the client across attempts, so the
 * next chunk's index is {@code chunks}; earlier attempts are those this one took over from.
 */
public record Streaming(SessionId id, AgentRole role, Instant startedAt, Instant firstTokenAt, int chunks,
                        Attempt attempt, List<AttemptResult> earlier) implements Live {

    public Streaming {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(firstTokenAt, "firstTokenAt");
        Objects.requireNonNull(attempt, "attempt");
        earlier = List.copyOf(earlier);
        if (chunks < 0) {
            throw new IllegalArgumentException("chunks must not be negative");
        }
    }

    @Override
    public Streaming append(String text, OptionalLong tokens, Instant at) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a chunk carries text");
        }
        return new Streaming(id, role, startedAt, firstTokenAt, chunks + 1, attempt.append(text, tokens), earlier);
    }

    /** The index of the chunk appended last. */
    public int lastIndex() {
        return chunks - 1;
    }

    /** Output tokens so far: billed figures of earlier attempts plus this attempt's estimate. */
    public TokenCount tokensUsed() {
        TokenCount tokens = attempt.outputEstimate();
        for (AttemptResult done : earlier) {
            tokens = tokens.plus(done.metering().usage().output());
        }
        return tokens;
    }

    /** Cost so far: billed cost of earlier attempts plus this attempt's estimate. */
    public Usd estimatedCost() {
        Usd cost = attempt.estimatedCost();
        for (AttemptResult done : earlier) {
            cost = cost.plus(done.metering().cost());
        }
        return cost;
    }

    @Override
    public Streaming report(ReportedUsage usage) {
        return new Streaming(id, role, startedAt, firstTokenAt, chunks, attempt.withReport(usage), earlier);
    }

    /** The current attempt broke after sending chunks; the next model continues the same answer. */
    @Override
    public Streaming fallBackTo(Attempt next, AttemptEnd.Failed why) {
        return new Streaming(id, role, startedAt, firstTokenAt, chunks, next, SessionTotals.plus(earlier, attempt.end(why)));
    }

    @Override
    public Streaming nextStep(Attempt next) {
        return new Streaming(id, role, startedAt, firstTokenAt, chunks, next,
                SessionTotals.plus(earlier, attempt.end(new AttemptEnd.Finished(FinishReason.TOOL_CALLS))));
    }

    @Override
    public Completed complete(FinishReason reason, Instant at) {
        return new Completed(id, role, startedAt, Optional.of(firstTokenAt), at, chunks, reason,
                SessionTotals.plus(earlier, attempt.end(new AttemptEnd.Finished(reason))));
    }

    @Override
    public Cancelled cancel(Instant at) {
        return new Cancelled(id, role, startedAt, Optional.of(firstTokenAt), at, chunks,
                SessionTotals.plus(earlier, attempt.end(new AttemptEnd.Cancelled())));
    }

    @Override
    public Failed fail(FailureKind kind, String detail, Instant at) {
        return new Failed(id, role, startedAt, Optional.of(firstTokenAt), at, chunks, kind, detail,
                SessionTotals.plus(earlier, attempt.end(new AttemptEnd.Failed(kind, detail))));
    }
}
