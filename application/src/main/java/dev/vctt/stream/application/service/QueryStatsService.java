package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.application.port.in.QueryStatsUseCase;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.domain.access.Caller;

/** Spend and stream statistics from the stored sessions. */
public final class QueryStatsService implements QueryStatsUseCase {

    private final SessionQueries sessions;

    public QueryStatsService(SessionQueries sessions) {
        this.sessions = sessions;
    }

    @Override
    public StatsReport stats(Caller caller, StatsQuery query) {
        return sessions.stats(query, caller);
    }

    @Override
    public Series series(Caller caller, SeriesQuery query) {
        return sessions.series(query, caller);
    }
}
