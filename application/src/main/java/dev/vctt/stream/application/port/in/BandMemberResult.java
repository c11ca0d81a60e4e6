package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import java.util.Objects;

/** What one member of a band came to: how it ended, the tokens it used and what it was billed. */
public record BandMemberResult(BandMember member, MemberOutcome outcome, TokenCount tokens, Usd cost) {

    public BandMemberResult {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(cost, "cost");
    }
}
