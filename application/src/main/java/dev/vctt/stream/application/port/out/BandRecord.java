package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.MemberOutcome;
import dev.vctt.stream.domain.band.Verdict;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A band as it ended, to keep: whose key it ran under, when it began and ended, its members (thinking
 * members, then the synthesiser and verifier if they ran), the synthesis, the verdict and the totals.
 */
public record BandRecord(BandId bandId, Optional<ApiKeyId> apiKey, Optional<String> requestId, Instant startedAt,
                         Instant endedAt, boolean cancelled, List<Member> members, Optional<String> synthesis,
                         Optional<Verdict.Reading> verdict, TokenCount totalTokens, Usd totalCost) {

    /** One member; {@code used}: its answer was quoted to the synthesiser and the synthesis completed. */
    public record Member(SessionId sessionId, AgentRole role, ModelId model, MemberOutcome outcome, TokenCount tokens,
                         Usd cost, boolean used) {
        public Member {
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(tokens, "tokens");
            Objects.requireNonNull(cost, "cost");
        }
    }

    public BandRecord {
        Objects.requireNonNull(bandId, "bandId");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endedAt, "endedAt");
        members = List.copyOf(members);
        Objects.requireNonNull(synthesis, "synthesis");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(totalTokens, "totalTokens");
        Objects.requireNonNull(totalCost, "totalCost");
    }
}
