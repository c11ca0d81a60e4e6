package dev.vctt.archfixture.domain;

/** Fixture: a well-behaved domain value. */
public record Money(java.math.BigDecimal amount) {
}
