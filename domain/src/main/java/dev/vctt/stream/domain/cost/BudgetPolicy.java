package dev.vctt.stream.domain.cost;

/**
 * A request may start when its worst-case cost fits what is left of the day's budget: the limit,
 * less what was spent, less what running streams have reserved. A request that exactly fills the
 * budget fits.
 */
public final class BudgetPolicy {

    private BudgetPolicy() {
    }

    public static BudgetDecision decide(BudgetScope scope, Usd limit, Usd spent, Usd reserved, Usd needed) {
        Usd left = limit.minus(spent).minus(reserved);
        if (needed.compareTo(left) <= 0) {
            return new BudgetDecision.Allowed();
        }
        return new BudgetDecision.Refused(scope, needed, left.isNegative() ? Usd.ZERO : left);
    }

    /**
     * A running stream is cut once what it has cost so far reaches the worst case reserved for it
     * (its ceiling), so that it cannot spend more than the budget let it start with.
     */
    public static boolean ceilingReached(Usd costSoFar, java.util.Optional<Usd> ceiling) {
        return ceiling.isPresent() && costSoFar.compareTo(ceiling.get()) >= 0;
    }

    /** The most a call can cost: its estimated input and every output token it may write. */
    public static Usd worstCase(Price price, TokenCount inputEstimate, TokenCount maxOutput) {
        return price.costOf(inputEstimate, maxOutput);
    }
}
