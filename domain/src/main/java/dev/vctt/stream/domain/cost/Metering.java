package dev.vctt.stream.domain.cost;

import java.util.Objects;

/** The billed figures of one call: tokens, their cost, and whether they were reported or estimated. */
public record Metering(TokenUsage usage, Usd cost, UsageSource source) {

    public Metering {
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(source, "source");
    }
}
