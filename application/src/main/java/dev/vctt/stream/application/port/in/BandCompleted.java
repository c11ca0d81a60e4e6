package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.Verdict;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A band ended: every member (thinking members, then the synthesiser and the verifier if they ran)
 * with its outcome and bill; the synthesis text, if one was written; the verdict as read, if the
 * verifier answered (an unreadable verdict is an outcome of its own); the totals, which are the sum
 * of what the members were billed.
 */
public record BandCompleted(BandId bandId, List<BandMemberResult> members, Optional<String> synthesis,
                            Optional<Verdict.Reading> verdict, TokenCount totalTokens, Usd totalCost, Duration latency,
                            boolean cancelled, Optional<String> requestId, Instant at) {

    public BandCompleted {
        Objects.requireNonNull(bandId, "bandId");
        members = List.copyOf(members);
        Objects.requireNonNull(synthesis, "synthesis");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(totalTokens, "totalTokens");
        Objects.requireNonNull(totalCost, "totalCost");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(at, "at");
    }
}
