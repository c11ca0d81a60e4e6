package dev.vctt.archfixture.domain.cost;

/** Fixture violation: money as a double. */
public class FloatPrice {
    public double price;
}
