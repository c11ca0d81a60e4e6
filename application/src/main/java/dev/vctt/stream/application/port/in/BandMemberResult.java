package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.band.MemberOutcome;
import java.util.Objects;

/**
 * What one member of a band came to: how it ended, the tokens it used, what it was billed, and
 * whether its answer was used: a thinking member's answer is used when it was quoted to the
 * synthesiser and the synthesis completed (the synthesiser and verifier themselves are never "used").
 */
public record BandMemberResult(BandMember member, MemberOutcome outcome, TokenCount tokens, Usd cost, boolean used) {

    public BandMemberResult {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(cost, "cost");
    }
}
