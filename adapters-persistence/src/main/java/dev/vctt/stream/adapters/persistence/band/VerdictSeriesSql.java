package dev.vctt.stream.adapters.persistence.band;

import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.domain.access.Caller;
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
 * The {@code verdict_score} series in PostgreSQL: the scored bands of the window ({@code bands_by_start}, or
 * {@code bands_by_key} for one key), each counted once per role or model among its members, and averaged
 * per {@code date_bin} bucket.
 */
final class VerdictSeriesSql {

    private VerdictSeriesSql() {
    }

    static String sql(SeriesQuery query, Caller caller) {
        return """
                select date_bin(cast(? as interval), b.started_at, timestamptz '2000-01-01 00:00:00+00') as bucket,
                    g.grp, round(avg(b.verdict_score), 3) as value
                from bands b
                cross join lateral (select distinct %s as grp from band_members m where m.band_id = b.id) as g
                where b.verdict_score is not null and b.started_at >= ? and b.started_at < ?
                  %s
                group by 1, 2
                order by 2, 1""".formatted(group(query.by()), caller.apiKey().isPresent() ? "and b.api_key_id = ?" : "");
    }

    static Series run(Connection connection, SeriesQuery query, Caller caller) throws SQLException {
        try (PreparedStatement select = prepare(connection, sql(query, caller), query, caller)) {
            Map<String, List<Series.Point>> lines = new LinkedHashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    lines.computeIfAbsent(rows.getString("grp"), g -> new ArrayList<>())
                            .add(new Series.Point(rows.getTimestamp("bucket").toInstant(), rows.getBigDecimal("value")));
                }
            }
            var result = new ArrayList<Series.Line>();
            lines.forEach((group, points) -> result.add(new Series.Line(group, points)));
            return new Series(query, result);
        }
    }

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
    private static String group(SeriesQuery.GroupBy by) {
        return switch (by) {
            case MODEL -> "m.model";
            case ROLE -> "m.agent_role";
            case KEY -> "coalesce(b.api_key_id, '(none)')";
            case KIND -> throw new IllegalArgumentException("verdict_score is by model, role or key");
        };
    }
}
