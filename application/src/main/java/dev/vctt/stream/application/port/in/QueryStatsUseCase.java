package dev.vctt.stream.application.port.in;

/** Spend and stream statistics; a caller with an API key sees only its own. */
public interface QueryStatsUseCase {

    StatsReport stats(Caller caller, StatsQuery query);
}
