package dev.vctt.stream.domain.band;

import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import java.util.List;
import java.util.Objects;

/**
 * How a band's one reservation is split: the members share one pool (a quick member may spend what
 * a slow one leaves), and the synthesis and the verification each keep their own share, so members
 * that spend their whole pool cannot starve the steps that follow them. The reservation is the sum.
 */
public record BandBudget(Usd members, Usd synthesis, Usd verification) {

    /**
     * Tokens an aggregator's prompt adds around what it quotes (instructions, headings, one line per
     * missing voice), so the worst case reserved up front covers the prompt sent later.
     */
    public static final TokenCount PROMPT_OVERHEAD = TokenCount.of(600);

    public BandBudget {
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(synthesis, "synthesis");
        Objects.requireNonNull(verification, "verification");
    }

    /** The members' pool is the sum of each member's own worst case. */
    public static BandBudget split(List<Usd> memberWorstCases, Usd synthesis, Usd verification) {
        Usd pool = Usd.ZERO;
        for (Usd cost : memberWorstCases) {
            pool = pool.plus(cost);
        }
        return new BandBudget(pool, synthesis, verification);
    }

    /** What the band reserves, once, before any provider is asked. */
    public Usd total() {
        return members.plus(synthesis).plus(verification);
    }

    /** Whether what the members spent between them has reached their pool: then every member is cut. */
    public boolean membersSpent(Usd spentByMembers) {
        return spentByMembers.compareTo(members) >= 0;
    }

    /**
     * The most an aggregator (synthesiser or judge) can be asked: the question, every quoted answer
     * at its full length, and the prompt's own words.
     */
    public static TokenCount aggregatorInput(TokenCount question, List<TokenCount> quotedAnswers) {
        TokenCount total = question.plus(PROMPT_OVERHEAD);
        for (TokenCount answer : quotedAnswers) {
            total = total.plus(answer);
        }
        return total;
    }
}
