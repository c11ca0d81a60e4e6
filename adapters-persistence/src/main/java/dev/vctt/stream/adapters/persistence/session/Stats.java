package dev.vctt.stream.adapters.persistence.session;

import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.cost.Usd;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** The statistics query: ended sessions of the period, grouped by one expression. */
final class Stats {

    private Stats() {
    }

    /** {@code groupBy} is one of the fixed expressions of {@link JdbcSessionStore#stats}, never input. */
    static List<StatsReport.Row> rows(Connection connection, StatsQuery query, Caller caller, String groupBy)
            throws SQLException {
        String sql = """
                select %s as key, count(*) as sessions,
                    count(*) filter (where status = 'failed') as errors,
                    count(*) filter (where fallback_used) as fallbacks,
                    coalesce(sum(input_tokens), 0) as input_tokens,
                    coalesce(sum(output_tokens), 0) as output_tokens,
                    coalesce(sum(cost_usd), 0) as spend,
                    percentile_cont(0.5) within group (order by extract(epoch from first_token_at - started_at) * 1000) as p50,
                    percentile_cont(0.95) within group (order by extract(epoch from first_token_at - started_at) * 1000) as p95
                from sessions
                where status <> 'running'
                  and (started_at at time zone 'UTC')::date between ? and ?
                  and (cast(? as text) is null or api_key_id = ?)
                group by 1 order by 1""".formatted(groupBy);
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setDate(1, Date.valueOf(query.from()));
            select.setDate(2, Date.valueOf(query.to()));
            String key = caller.apiKey().map(ApiKeyId::value).orElse(null);
            select.setString(3, key);
            select.setString(4, key);
            try (ResultSet rows = select.executeQuery()) {
                var result = new ArrayList<StatsReport.Row>();
                while (rows.next()) {
                    result.add(new StatsReport.Row(rows.getString("key"), rows.getLong("sessions"), rows.getLong("errors"),
                            rows.getLong("fallbacks"), rows.getLong("input_tokens"), rows.getLong("output_tokens"),
                            Usd.of(rows.getBigDecimal("spend")), optional(rows, "p50"), optional(rows, "p95")));
                }
                if (result.isEmpty() && groupBy.equals("'all'")) {
                    result.add(new StatsReport.Row("all", 0, 0, 0, 0, 0, Usd.of(BigDecimal.ZERO), OptionalDouble.empty(),
                            OptionalDouble.empty()));
                }
                return result;
            }
        }
    }

    private static OptionalDouble optional(ResultSet rows, String column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
}
