package dev.vctt.stream.domain.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An amount of US dollars. The scale is fixed so that record equality works
 * ({@link BigDecimal#equals} compares scale) and so that the cheapest price in the table,
 * per single token, is still exact: 10 decimals is one xAI "tick" (10⁻¹⁰ USD).
 */
public record Usd(BigDecimal amount) implements Comparable<Usd> {

    public static final int SCALE = 10;
    public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;
    public static final Usd ZERO = new Usd(BigDecimal.ZERO);

    public Usd {
        Objects.requireNonNull(amount, "amount");
        amount = amount.setScale(SCALE, ROUNDING);
    }

    public static Usd of(String amount) {
        return new Usd(new BigDecimal(amount));
    }

    public static Usd of(BigDecimal amount) {
        return new Usd(amount);
    }

    public Usd plus(Usd other) {
        return new Usd(amount.add(other.amount));
    }

    public Usd minus(Usd other) {
        return new Usd(amount.subtract(other.amount));
    }

    public boolean isNegative() {
        return amount.signum() < 0;
    }

    public boolean isZero() {
        return amount.signum() == 0;
    }

    /** The amount without trailing zeros, for display and for the wire (never in scientific notation). */
    public String toPlainString() {
        return isZero() ? "0" : amount.stripTrailingZeros().toPlainString();
    }

    @Override
    public int compareTo(Usd other) {
        return amount.compareTo(other.amount);
    }

    @Override
    public String toString() {
        return "$" + toPlainString();
    }
}
