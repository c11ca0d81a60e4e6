package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.Caller;
import dev.vctt.stream.application.port.in.QueryStatsUseCase;
import dev.vctt.stream.application.port.in.StatsQuery;
import dev.vctt.stream.application.port.in.StatsReport;
import dev.vctt.stream.application.port.out.SessionStore;

/** Spend and stream statistics from the stored sessions. */
public final class QueryStatsService implements QueryStatsUseCase {

    private final SessionStore sessions;

    public QueryStatsService(SessionStore sessions) {
        this.sessions = sessions;
    }

    @Override
    public StatsReport stats(Caller caller, StatsQuery query) {
        return sessions.stats(query, caller);
    }
}
