package dev.vctt.stream.domain.access;

import dev.vctt.stream.domain.cost.Usd;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** An API key as it can be shown: never its secret. */
public record ApiKeyView(ApiKeyId id, String name, Optional<Usd> dailyBudget, Instant createdAt,
                         Optional<Instant> revokedAt, Set<String> tools) {

    /** A key with no tool list: it may call no tool. */
    public ApiKeyView(ApiKeyId id, String name, Optional<Usd> dailyBudget, Instant createdAt,
                      Optional<Instant> revokedAt) {
        this(id, name, dailyBudget, createdAt, revokedAt, Set.of());
    }

    public ApiKeyView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dailyBudget, "dailyBudget");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
        tools = Set.copyOf(tools);
    }
}
