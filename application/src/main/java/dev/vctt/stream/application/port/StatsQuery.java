package dev.vctt.stream.application.port;

import java.time.LocalDate;
import java.util.Objects;

/** Which days the statistics cover (UTC, both included). */
public record StatsQuery(LocalDate from, LocalDate to) {

    public StatsQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("the period ends before it starts");
        }
    }
}
