package dev.vctt.stream.domain.cost;

import java.time.LocalDate;
import java.util.Objects;

/** One row of the price table: a price, where it was read, and the day it was read. */
public record PriceEntry(Price price, String source, LocalDate asOf) {

    public PriceEntry {
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(asOf, "asOf");
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("a price entry needs a source");
        }
    }
}
