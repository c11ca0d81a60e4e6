package dev.vctt.stream.domain.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.Optional;

/** How much of a daily budget an amount is, in percent (two decimals; above 100 when overrun). */
public record BudgetUse(BigDecimal percent) {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public BudgetUse {
        Objects.requireNonNull(percent, "percent");
        if (percent.signum() < 0) {
            throw new IllegalArgumentException("percent cannot be negative");
        }
        percent = percent.setScale(2, RoundingMode.HALF_EVEN);
    }

    /** The share of {@code daily} that {@code spent} is; none for a zero budget, of which any spend is no share. */
    public static Optional<BudgetUse> of(Usd spent, Usd daily) {
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(daily, "daily");
        if (spent.isNegative() || daily.isNegative()) {
            throw new IllegalArgumentException("spent and daily budget cannot be negative");
        }
        if (daily.isZero()) {
            return Optional.empty();
        }
        return Optional.of(new BudgetUse(spent.amount().multiply(HUNDRED).divide(daily.amount(), 2, RoundingMode.HALF_EVEN)));
    }
}
