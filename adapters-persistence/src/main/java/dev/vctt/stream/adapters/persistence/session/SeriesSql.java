package dev.vctt.stream.adapters.persistence.session;

import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.domain.access.Caller;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One figure per time bucket and group, computed by PostgreSQL ({@code date_bin}, {@code percentile_cont})
 * over the ended sessions of a window; {@code sessions_by_start} or, for one key, {@code sessions_series_by_key} (V5) serve the window.
 */
final class SeriesSql {

    private SeriesSql() {
    }

    /** With a key, the key's condition is written in, not made optional, so the planner can pick the key's index. */
    static String sql(SeriesQuery query, Caller caller) {
        if (query.metric() == SeriesQuery.Metric.FALLBACKS && query.by() == SeriesQuery.GroupBy.KIND) {
            return fallbacksByKind(caller);
        }
        return """
                select date_bin(cast(? as interval), started_at, timestamptz '2000-01-01 00:00:00+00') as bucket,
                    %s as grp, %s as value
                from sessions
                where status <> 'running' and started_at >= ? and started_at < ?
                  %s
                group by 1, 2
                order by 2, 1""".formatted(group(query.by()), figure(query.metric()),
                caller.apiKey().isPresent() ? "and api_key_id = ?" : "");
    }

    /**
     * Every failed attempt that another attempt followed (a fallback), by the failure kind stored with it in
     * {@code models_tried}; {@code fallback_used} narrows the rows to unnest. Rows written before the kind
     * was stored count as {@code UNKNOWN}.
     */
    private static String fallbacksByKind(Caller caller) {
        return """
                select date_bin(cast(? as interval), s.started_at, timestamptz '2000-01-01 00:00:00+00') as bucket,
                    coalesce(t.attempt ->> 'kind', 'UNKNOWN') as grp, count(*) as value
                from sessions s
                cross join lateral jsonb_array_elements(s.models_tried) with ordinality as t(attempt, n)
                where s.status <> 'running' and s.started_at >= ? and s.started_at < ? and s.fallback_used
                  and t.attempt ->> 'outcome' = 'failed' and t.n < jsonb_array_length(s.models_tried)
                  %s
                group by 1, 2
                order by 2, 1""".formatted(caller.apiKey().isPresent() ? "and s.api_key_id = ?" : "");
    }

    static Series run(Connection connection, SeriesQuery query, Caller caller) throws SQLException {
        try (PreparedStatement select = prepare(connection, sql(query, caller), query, caller)) {
            Map<String, List<Series.Point>> lines = new LinkedHashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    BigDecimal value = rows.getBigDecimal("value");
                    if (value != null) {
                        lines.computeIfAbsent(rows.getString("grp"), g -> new ArrayList<>())
                                .add(new Series.Point(rows.getTimestamp("bucket").toInstant(), value));
                    }
                }
            }
            var result = new ArrayList<Series.Line>();
            lines.forEach((group, points) -> result.add(new Series.Line(group, points)));
            return new Series(query, result);
        }
    }

    /** {@code sql} with the query's parameters bound (also how the scale test explains the plan). */
    static PreparedStatement prepare(Connection connection, String sql, SeriesQuery query, Caller caller)
            throws SQLException {
        PreparedStatement select = connection.prepareStatement(sql);
        select.setString(1, query.bucket().width().toSeconds() + " seconds");
        select.setTimestamp(2, Timestamp.from(query.from()));
        select.setTimestamp(3, Timestamp.from(query.to()));
        if (caller.apiKey().isPresent()) {
            select.setString(4, caller.apiKey().get().value());
        }
        return select;
    }

    /** Fixed expressions chosen by enum, never input. */
    static String group(SeriesQuery.GroupBy by) {
        return switch (by) {
            case MODEL -> "current_model";
            case ROLE -> "agent_role";
            case KEY -> "coalesce(api_key_id, '(none)')";
            case KIND -> "coalesce(error_code, 'none')";
        };
    }

    private static String figure(SeriesQuery.Metric metric) {
        String ttft = "extract(epoch from first_token_at - started_at)::double precision * 1000";
        return switch (metric) {
            case TTFT_P50 -> "percentile_cont(0.5) within group (order by " + ttft + ")";
            case TTFT_P95 -> "percentile_cont(0.95) within group (order by " + ttft + ")";
            case TOKENS_PER_SECOND -> "percentile_cont(0.5) within group (order by tokens_per_second)";
            case GAP_P99 -> "percentile_cont(0.99) within group (order by gap_p99_ms)";
            case SPEND -> "coalesce(sum(cost_usd), 0)";
            case SESSIONS -> "count(*)";
            case ERRORS -> "count(*) filter (where status = 'failed')";
            case FALLBACKS -> "count(*) filter (where fallback_used)";
            case WASTE_TOKENS -> "coalesce(sum(waste_tokens), 0)";
            case BUDGET_USE, VERDICT_SCORE -> throw new IllegalArgumentException(metric.wireName() + " is not a session figure");
        };
    }
}
