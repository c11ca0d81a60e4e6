package dev.vctt.stream.domain.access;

import dev.vctt.stream.domain.cost.Usd;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who a connection acts for: an API key (with its own daily budget, if it has one), or nobody in
 * particular when authentication is off.
 */
public record Caller(Optional<ApiKeyId> apiKey, Optional<Usd> dailyBudget, Optional<Set<String>> tools) {

    public static final Caller ANONYMOUS = new Caller(Optional.empty(), Optional.empty());

    /**
     * {@code tools} is the key's own tool list: present (possibly empty, so no tool) for a key, absent
     * when authentication is off and only the servers' allow-lists apply.
     */
    public Caller {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(dailyBudget, "dailyBudget");
        tools = tools.map(Set::copyOf);
        if (apiKey.isPresent() && tools.isEmpty()) {
            throw new IllegalArgumentException("a key's caller has a tool list (deny by default: empty)");
        }
    }

    /** A key with no tool list may call no tool. */
    public Caller(Optional<ApiKeyId> apiKey, Optional<Usd> dailyBudget) {
        this(apiKey, dailyBudget, apiKey.isPresent() ? Optional.of(Set.of()) : Optional.empty());
    }

    public static Caller of(ApiKeyId key) {
        return new Caller(Optional.of(key), Optional.empty());
    }

    public static Caller of(ApiKeyId key, Usd dailyBudget) {
        return new Caller(Optional.of(key), Optional.of(dailyBudget));
    }
}
