package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.cost.Metering;
import dev.vctt.stream.domain.routing.ModelRoute;
import java.time.Instant;
import java.util.Objects;

/** What one attempt of a session is billed. {@code attempt} counts from 1 within the session. */
public record LedgerEntry(int attempt, ModelRoute route, Metering metering, Instant at) {

    public LedgerEntry {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(metering, "metering");
        Objects.requireNonNull(at, "at");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1");
        }
    }
}
