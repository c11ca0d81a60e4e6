package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.Distribution;
import dev.vctt.stream.application.port.DistributionQuery;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.domain.access.Caller;

/** Spend and stream statistics; a caller with an API key sees only its own. */
public interface QueryStatsUseCase {

    StatsReport stats(Caller caller, StatsQuery query);

    /** One figure over time, per model, role, key or error kind (what {@code /analytics} draws). */
    Series series(Caller caller, SeriesQuery query);

    /** How tokens per second or the chunk-gap p99 of the sessions is spread, per group (a histogram). */
    Distribution distribution(Caller caller, DistributionQuery query);
}
