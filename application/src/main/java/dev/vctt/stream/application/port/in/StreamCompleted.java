package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.cost.UsageSource;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.AttemptEnd;
import dev.vctt.stream.domain.session.AttemptResult;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The stream ended without error (a cancelled stream ends here too, with reason CANCELLED);
 * {@code attempts} are the models tried, in order, with how each ended.
 */
public record StreamCompleted(SessionId sessionId, String fullText, TokenUsage usage, Usd totalCost,
                              UsageSource usageSource, Duration latency, Optional<Duration> timeToFirstToken,
                              ModelId model, FinishReason finishReason, boolean fallbackUsed,
                              List<AttemptResult> attempts, Optional<String> requestId, Instant at,
                              int toolCalls) {

    public StreamCompleted(SessionId sessionId, String fullText, TokenUsage usage, Usd totalCost,
                           UsageSource usageSource, Duration latency, Optional<Duration> timeToFirstToken,
                           ModelId model, FinishReason finishReason, boolean fallbackUsed,
                           List<AttemptResult> attempts, Optional<String> requestId, Instant at) {
        this(sessionId, fullText, usage, totalCost, usageSource, latency, timeToFirstToken, model, finishReason,
                fallbackUsed, attempts, requestId, at, 0);
    }

    /** Model steps of a tool loop: one, plus one per attempt that ended asking for tools. */
    public int steps() {
        return 1 + (int) attempts.stream()
                .filter(attempt -> attempt.end() instanceof AttemptEnd.Finished finished
                        && finished.reason() == FinishReason.TOOL_CALLS)
                .count();
    }

    public StreamCompleted {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(fullText, "fullText");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(totalCost, "totalCost");
        Objects.requireNonNull(usageSource, "usageSource");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(finishReason, "finishReason");
        attempts = List.copyOf(attempts);
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(at, "at");
    }
}
