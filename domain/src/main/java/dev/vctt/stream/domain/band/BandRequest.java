package dev.vctt.stream.domain.band;

import dev.vctt.stream.domain.request.StreamRequest;
import dev.vctt.stream.domain.routing.AgentRole;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A band request that passed {@link BandPolicy}: the question, the members' roles in order (a role
 * may appear more than once: sampling one model several times is a valid committee), whether a
 * synthesis and a verification follow, how many answers suffice ({@code quorum}, at most the number
 * of members) and how long members may take.
 */
public record BandRequest(StreamRequest question, List<AgentRole> roles, boolean synthesis, boolean verification,
                          int quorum, Optional<Duration> memberTimeout) {

    public BandRequest {
        Objects.requireNonNull(question, "question");
        roles = List.copyOf(roles);
        Objects.requireNonNull(memberTimeout, "memberTimeout");
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a band has at least one member");
        }
        if (quorum < 1 || quorum > roles.size()) {
            throw new IllegalArgumentException("quorum must be between 1 and the number of members");
        }
        if (verification && !synthesis) {
            throw new IllegalArgumentException("verification judges a synthesis, so it needs one");
        }
    }

    /** The question as one member asks it: the same request in that member's role, without tools (members get none). */
    public StreamRequest forMember(AgentRole role) {
        return new StreamRequest(question.message(), question.systemPrompt(), question.temperature(), role,
                false, question.history(), question.maxTokens(), question.onDisconnect(),
                question.smoothing());
    }
}
