package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.cost.Usd;
import java.util.Objects;
import java.util.Optional;

/**
 * The daily budgets: a global one for the whole server, and one for each API key (its own, or
 * {@code keyDefault} for keys issued without one). None set means no limit. Answers are capped at
 * {@code defaultMaxOutputTokens} unless the request asks for fewer or more (up to the request limit),
 * so that every call has a worst case to reserve.
 */
public record BudgetSettings(Optional<Usd> globalDaily, Optional<Usd> keyDefault, int defaultMaxOutputTokens) {

    public static final BudgetSettings NONE = new BudgetSettings(Optional.empty(), Optional.empty(), 4096);

    public BudgetSettings {
        Objects.requireNonNull(globalDaily, "globalDaily");
        Objects.requireNonNull(keyDefault, "keyDefault");
        if (defaultMaxOutputTokens < 1) {
            throw new IllegalArgumentException("defaultMaxOutputTokens must be positive");
        }
    }
}
