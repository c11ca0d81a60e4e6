package dev.vctt.archfixture.domain.cost;

/** Fixture violation: a method takes money as a double. */
public class Discount {
    public long apply(double amount) {
        return Math.round(amount);
    }
}
