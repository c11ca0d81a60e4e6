package dev.vctt.stream.domain.band;

import dev.vctt.stream.domain.request.StreamRequestDraft;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A band request as the client sent it: the question's fields as in a stream request ({@code
 * question}; its agent role is ignored, each member has its own), plus the band's own fields, none
 * checked yet.
 */
public record BandRequestDraft(StreamRequestDraft question, Optional<List<String>> roles, Optional<Boolean> synthesis,
                               Optional<Boolean> verification, OptionalLong quorum, OptionalLong memberTimeoutMs) {

    public BandRequestDraft {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(synthesis, "synthesis");
        Objects.requireNonNull(verification, "verification");
        Objects.requireNonNull(quorum, "quorum");
        Objects.requireNonNull(memberTimeoutMs, "memberTimeoutMs");
        roles = roles.map(List::copyOf);
    }

    /** A draft with only a question: the default roles, synthesis and verification. */
    public static BandRequestDraft ofMessage(String message) {
        return new BandRequestDraft(StreamRequestDraft.ofMessage(message), Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalLong.empty(), OptionalLong.empty());
    }

    public BandRequestDraft withRoles(List<String> names) {
        return new BandRequestDraft(question, Optional.of(names), synthesis, verification, quorum, memberTimeoutMs);
    }

    public BandRequestDraft withSynthesis(boolean on) {
        return new BandRequestDraft(question, roles, Optional.of(on), verification, quorum, memberTimeoutMs);
    }

    public BandRequestDraft withVerification(boolean on) {
        return new BandRequestDraft(question, roles, synthesis, Optional.of(on), quorum, memberTimeoutMs);
    }

    public BandRequestDraft withQuorum(long value) {
        return new BandRequestDraft(question, roles, synthesis, verification, OptionalLong.of(value), memberTimeoutMs);
    }

    public BandRequestDraft withMemberTimeoutMs(long value) {
        return new BandRequestDraft(question, roles, synthesis, verification, quorum, OptionalLong.of(value));
    }

    public BandRequestDraft withQuestion(StreamRequestDraft draft) {
        return new BandRequestDraft(draft, roles, synthesis, verification, quorum, memberTimeoutMs);
    }
}
