package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.cost.BudgetDecision;

/**
 * For keeping what was spent and holding budgets.
 *
 * <p>{@link #reserve} is synchronous and atomic: however many requests reserve at once, the sum of
 * what is spent and reserved never passes a limit. {@link #settle} never waits for the database; it
 * records each attempt exactly once (settling twice changes nothing) and releases the session's
 * reservation. Both may throw {@link StoreUnavailable}.
 */
public interface SpendLedger {

    BudgetDecision reserve(Reservation reservation);

    /**
     * Adds {@code more.amount()} to the reservation the session already holds, atomically and under
     * the same limits as {@link #reserve}; refused (changing nothing) when it does not fit. Used before
     * each further step of a tool loop, for that step's worst case.
     */
    BudgetDecision extend(Reservation more);

    void settle(Settlement settlement);
}
