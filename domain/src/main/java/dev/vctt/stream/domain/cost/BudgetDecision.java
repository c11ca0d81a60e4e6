package dev.vctt.stream.domain.cost;

import java.util.Objects;

/** Whether a request fits a budget: allowed, or refused with what it needs and what is left. */
public sealed interface BudgetDecision {

    record Allowed() implements BudgetDecision {
    }

    record Refused(BudgetScope scope, Usd needed, Usd left) implements BudgetDecision {
        public Refused {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(needed, "needed");
            Objects.requireNonNull(left, "left");
        }
    }
}
