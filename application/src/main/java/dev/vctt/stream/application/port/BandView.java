package dev.vctt.stream.application.port;

import dev.vctt.stream.domain.cost.Usd;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A stored band with its members, as {@code GET /api/bands/{id}} shows it. */
public record BandView(String bandId, Optional<String> apiKeyId, Optional<String> requestId, Instant startedAt,
                       Instant endedAt, boolean cancelled, Optional<String> synthesis, Optional<BigDecimal> verdictScore,
                       List<String> verdictFlags, Optional<String> verdictError, long totalTokens, Usd totalCost,
                       List<Member> members) {

    /** One member: its session (see {@code /api/sessions/{id}}), role, model, outcome, bill and whether it was used. */
    public record Member(String sessionId, String agentRole, String model, String outcome, long tokens, Usd cost,
                         boolean used) {
        public Member {
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(agentRole, "agentRole");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(cost, "cost");
        }
    }

    public BandView {
        Objects.requireNonNull(bandId, "bandId");
        Objects.requireNonNull(apiKeyId, "apiKeyId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(synthesis, "synthesis");
        Objects.requireNonNull(verdictScore, "verdictScore");
        verdictFlags = List.copyOf(verdictFlags);
        Objects.requireNonNull(verdictError, "verdictError");
        Objects.requireNonNull(totalCost, "totalCost");
        members = List.copyOf(members);
    }
}
