package dev.vctt.stream.domain.band;

import dev.vctt.stream.domain.request.RequestCheck;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.request.StreamRequest;
import dev.vctt.stream.domain.request.Violation;
import dev.vctt.stream.domain.routing.AgentRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules a band request must pass: the question passes the stream request's rules, the roles are
 * known and not too many, the quorum is at most the members, the member timeout within the limit,
 * and no tools are asked for (members are offered none).
 * Every broken rule is reported.
 */
public final class BandPolicy {

    /** The thinking roles: the members when the client names none. */
    public static final List<AgentRole> DEFAULT_ROLES = List.of(AgentRole.ANALYST, AgentRole.RELATIONAL, AgentRole.ETHICS);

    private final RequestPolicy questions;
    private final BandLimits limits;

    public BandPolicy(RequestPolicy questions, BandLimits limits) {
        this.questions = questions;
        this.limits = limits;
    }

    public BandLimits limits() {
        return limits;
    }

    public BandCheck check(BandRequestDraft draft) {
        var violations = new ArrayList<Violation>();
        StreamRequest question = null;
        switch (questions.check(draft.question())) {
            case RequestCheck.Valid valid -> question = valid.request();
            case RequestCheck.Invalid invalid -> violations.addAll(invalid.violations());
        }

        if (draft.question().enableTools().orElse(false)) {
            // the reservation is sized for one completion per seat; a tool loop would multiply it
            violations.add(new Violation("enableTools", "band members are offered no tools; ask a single stream"));
        }

        var roles = new ArrayList<AgentRole>();
        List<String> names = draft.roles().orElse(DEFAULT_ROLES.stream().map(AgentRole::wireName).toList());
        if (names.isEmpty()) {
            violations.add(new Violation("roles", "must name at least one role"));
        } else if (names.size() > limits.maxMembers()) {
            violations.add(new Violation("roles", "must name at most " + limits.maxMembers() + " roles"));
        }
        for (int i = 0; i < names.size(); i++) {
            Optional<AgentRole> role = AgentRole.fromWireName(names.get(i));
            if (role.isEmpty()) {
                violations.add(new Violation("roles[" + i + "]", "must be an agent role"));
            } else {
                roles.add(role.get());
            }
        }

        boolean synthesis = draft.synthesis().orElse(true);
        boolean verification = draft.verification().orElse(true);
        if (verification && !synthesis && draft.verification().isPresent()) {
            violations.add(new Violation("verification", "needs synthesis: the verifier judges the synthesis"));
        }
        verification = verification && synthesis;

        int quorum = names.size();
        if (draft.quorum().isPresent()) {
            long value = draft.quorum().getAsLong();
            if (value < 1 || value > Math.max(1, names.size())) {
                violations.add(new Violation("quorum", "must be between 1 and the number of roles"));
            } else {
                quorum = (int) value;
            }
        }

        Optional<Duration> timeout = Optional.empty();
        if (draft.memberTimeoutMs().isPresent()) {
            long value = draft.memberTimeoutMs().getAsLong();
            if (value < 1 || value > limits.maxMemberTimeoutMs()) {
                violations.add(new Violation("memberTimeoutMs", "must be between 1 and " + limits.maxMemberTimeoutMs()));
            } else {
                timeout = Optional.of(Duration.ofMillis(value));
            }
        }

        if (!violations.isEmpty()) {
            return new BandCheck.Invalid(violations);
        }
        return new BandCheck.Valid(new BandRequest(question, roles, synthesis, verification, quorum, timeout));
    }
}
