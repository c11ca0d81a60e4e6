package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.Distribution;
import dev.vctt.stream.application.port.DistributionQuery;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.application.port.in.QueryStatsUseCase;
import dev.vctt.stream.application.port.out.ApiKeyStore;
import dev.vctt.stream.application.port.out.BandStore;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.domain.access.ApiKeyView;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.cost.BudgetUse;
import dev.vctt.stream.domain.cost.Usd;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * Spend and stream statistics from the stored sessions; verdict scores from the stored bands; budget use
 * from each key's spend (summed by the session store) and its daily budget.
 */
public final class QueryStatsService implements QueryStatsUseCase {

    private final SessionQueries sessions;
    private final BandStore bands;
    private final ApiKeyStore keys;

    public QueryStatsService(SessionQueries sessions, BandStore bands, ApiKeyStore keys) {
        this.sessions = sessions;
        this.bands = bands;
        this.keys = keys;
    }

    @Override
    public StatsReport stats(Caller caller, StatsQuery query) {
        return sessions.stats(query, caller);
    }

    @Override
    public Series series(Caller caller, SeriesQuery query) {
        return switch (query.metric()) {
            case VERDICT_SCORE -> bands.verdicts(query, caller);
            case BUDGET_USE -> budgetUse(caller, query);
            default -> sessions.series(query, caller);
        };
    }

    @Override
    public Distribution distribution(Caller caller, DistributionQuery query) {
        return sessions.distribution(query, caller);
    }

    /** Each key's spend per bucket as a share of its daily budget; keys without a budget have no line. */
    private Series budgetUse(Caller caller, SeriesQuery query) {
        Series spend = sessions.series(new SeriesQuery(SeriesQuery.Metric.SPEND, SeriesQuery.GroupBy.KEY, query.bucket(),
                query.from(), query.to()), caller);
        Map<String, Usd> budgets = new HashMap<>();
        if (caller.apiKey().isPresent()) {
            caller.dailyBudget().ifPresent(daily -> budgets.put(caller.apiKey().get().value(), daily));
        } else {
            for (ApiKeyView key : keys.list()) {
                key.dailyBudget().ifPresent(daily -> budgets.put(key.id().value(), daily));
            }
        }
        var lines = new ArrayList<Series.Line>();
        for (Series.Line line : spend.lines()) {
            Usd daily = budgets.get(line.group());
            if (daily == null) {
                continue;
            }
            var points = new ArrayList<Series.Point>();
            line.points().forEach(point -> BudgetUse.of(Usd.of(point.value()), daily)
                    .ifPresent(use -> points.add(new Series.Point(point.bucket(), use.percent()))));
            if (!points.isEmpty()) {
                lines.add(new Series.Line(line.group(), points));
            }
        }
        return new Series(query, lines);
    }
}
