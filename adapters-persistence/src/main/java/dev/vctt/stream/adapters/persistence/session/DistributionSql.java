package dev.vctt.stream.adapters.persistence.session;

import dev.vctt.stream.application.port.Distribution;
import dev.vctt.stream.application.port.DistributionQuery;
import dev.vctt.stream.domain.access.Caller;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A histogram of one per-session figure per group, counted by PostgreSQL ({@code width_bucket} over the
 * metric's fixed bounds) over the ended sessions of a window, read from the same indexes as the series.
 */
final class DistributionSql {

    private DistributionSql() {
    }

    static String sql(DistributionQuery query, Caller caller) {
        String column = switch (query.metric()) {
            case TOKENS_PER_SECOND -> "tokens_per_second";
            case GAP_P99 -> "gap_p99_ms";
        };
        String bounds = query.metric().bounds().stream().map(String::valueOf).collect(Collectors.joining(","));
        return """
                select %s as grp, width_bucket(%s, array[%s]::double precision[]) as bin, count(*) as sessions
                from sessions
                where status <> 'running' and started_at >= ? and started_at < ? and %s is not null
                  %s
                group by 1, 2
                order by 1, 2""".formatted(SeriesSql.group(query.by()), column, bounds, column,
                caller.apiKey().isPresent() ? "and api_key_id = ?" : "");
    }

    static Distribution run(Connection connection, DistributionQuery query, Caller caller) throws SQLException {
        try (PreparedStatement select = prepare(connection, sql(query, caller), query, caller)) {
            int bins = query.metric().bounds().size() + 1;
            Map<String, List<Long>> lines = new LinkedHashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    lines.computeIfAbsent(rows.getString("grp"), g -> new ArrayList<>(Collections.nCopies(bins, 0L)))
                            .set(rows.getInt("bin"), rows.getLong("sessions"));
                }
            }
            var result = new ArrayList<Distribution.Line>();
            lines.forEach((group, counts) -> result.add(new Distribution.Line(group, counts)));
            return new Distribution(query, result);
        }
    }

    static PreparedStatement prepare(Connection connection, String sql, DistributionQuery query, Caller caller)
            throws SQLException {
        PreparedStatement select = connection.prepareStatement(sql);
        select.setTimestamp(1, Timestamp.from(query.from()));
        select.setTimestamp(2, Timestamp.from(query.to()));
        if (caller.apiKey().isPresent()) {
            select.setString(3, caller.apiKey().get().value());
        }
        return select;
    }
}
