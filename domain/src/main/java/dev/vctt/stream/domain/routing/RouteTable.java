package dev.vctt.stream.domain.routing;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The chain of models for every agent role; complete, so routing never fails for a valid role. */
public record RouteTable(Map<AgentRole, FallbackChain> chains) {

    public RouteTable {
        var copy = new EnumMap<AgentRole, FallbackChain>(AgentRole.class);
        copy.putAll(chains);
        for (AgentRole role : AgentRole.values()) {
            if (!copy.containsKey(role)) {
                throw new IllegalArgumentException("no route for agent role " + role.wireName());
            }
        }
        chains = Map.copyOf(copy);
    }

    public FallbackChain chainFor(AgentRole role) {
        return chains.get(role);
    }

    /** Every model any route may call. */
    public Set<ModelRoute> allModels() {
        return chains.values().stream().flatMap(chain -> chain.models().stream()).collect(Collectors.toUnmodifiableSet());
    }
}
