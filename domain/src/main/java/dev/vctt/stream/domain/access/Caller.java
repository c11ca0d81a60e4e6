package dev.vctt.stream.domain.access;

import dev.vctt.stream.domain.cost.Usd;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a connection acts for: an API key (with its own daily budget, if it has one), or nobody in
 * particular when authentication is off.
 */
public record Caller(Optional<ApiKeyId> apiKey, Optional<Usd> dailyBudget) {

    public static final Caller ANONYMOUS = new Caller(Optional.empty(), Optional.empty());

    public Caller {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(dailyBudget, "dailyBudget");
    }

    public static Caller of(ApiKeyId key) {
        return new Caller(Optional.of(key), Optional.empty());
    }

    public static Caller of(ApiKeyId key, Usd dailyBudget) {
        return new Caller(Optional.of(key), Optional.of(dailyBudget));
    }
}
