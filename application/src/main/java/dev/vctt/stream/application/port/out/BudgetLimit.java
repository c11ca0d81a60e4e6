package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.cost.BudgetScope;
import dev.vctt.stream.domain.cost.Usd;
import java.util.Objects;

/** A daily limit a reservation must fit: the key's own, or the global one. */
public record BudgetLimit(BudgetScope scope, Usd daily) {

    public BudgetLimit {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(daily, "daily");
        if (daily.isNegative()) {
            throw new IllegalArgumentException("a budget cannot be negative");
        }
    }
}
