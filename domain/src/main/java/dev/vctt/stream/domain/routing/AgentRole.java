package dev.vctt.stream.domain.routing;

import java.util.Locale;
import java.util.Optional;

/** The closed set of agent roles a request may name; each role has its own chain of models. */
public enum AgentRole {
    PRIMARY,
    ANALYST,
    RELATIONAL,
    ETHICS,
    SYNTHESISER,
    VERIFICATION;

    /** The name on the wire and in configuration: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AgentRole> fromWireName(String name) {
        for (AgentRole role : values()) {
            if (role.wireName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
