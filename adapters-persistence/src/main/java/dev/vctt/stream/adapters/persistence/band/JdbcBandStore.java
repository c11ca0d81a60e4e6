package dev.vctt.stream.adapters.persistence.band;

import dev.vctt.stream.adapters.persistence.JdbcWriter;
import dev.vctt.stream.adapters.persistence.StoredText;
import dev.vctt.stream.adapters.persistence.StoredText.Column;
import dev.vctt.stream.application.port.BandStats;
import dev.vctt.stream.application.port.BandView;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.out.BandRecord;
import dev.vctt.stream.application.port.out.BandStore;
import dev.vctt.stream.application.port.out.RunningBand;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.Verdict;
import dev.vctt.stream.domain.cost.Usd;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Bands in PostgreSQL: while one runs, a row in {@code running_bands} under its node's token (so that
 * any node can check a cancel of it); once it ended, one row per band and one per member. Written in
 * the background, in order, so a band's end always follows its start.
 */
public final class JdbcBandStore implements BandStore {

    private final DataSource dataSource;
    private final JdbcWriter writer;
    private final long ownerToken;

    /** A store with no node: its running bands are owned by token 0, which no node holds. */
    public JdbcBandStore(DataSource dataSource, JdbcWriter writer) {
        this(dataSource, writer, 0);
    }

    /** A store whose running bands are owned by the node of that token ({@code nodes}, see JdbcStreamLeases). */
    public JdbcBandStore(DataSource dataSource, JdbcWriter writer, long ownerToken) {
        this.dataSource = dataSource;
        this.writer = writer;
        this.ownerToken = ownerToken;
    }

    @Override
    public void started(RunningBand band) {
        writer.admit("the start of band " + band.bandId(), band, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into running_bands (id, api_key_id, owner_token, started_at) values (?, ?, ?, ?)
                    on conflict (id) do nothing""")) {
                insert.setString(1, band.bandId().value());
                insert.setString(2, band.apiKey().map(ApiKeyId::value).orElse(null));
                insert.setLong(3, ownerToken);
                insert.setTimestamp(4, Timestamp.from(band.startedAt()));
                insert.executeUpdate();
            }
        });
    }

    @Override
    public void ended(BandRecord band) {
        writer.submit("the end of band " + band.bandId(), band, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("delete from running_bands where id = ?")) {
                delete.setString(1, band.bandId().value());
                delete.executeUpdate();
            }
            insert(connection, band);
        });
    }

    /** Its owner is alive while its run holds an unexpired lease and has not left (token 0 has no row). */
    @Override
    public boolean runsElsewhere(BandId id, Caller caller) {
        if (StoredText.needsEscape(id.value())) {
            return false; // ids are ours and plain: such an id was never stored
        }
        return query("running band " + id, connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    select 1 from running_bands r
                    where r.id = ? and r.owner_token <> ? and (cast(? as text) is null or r.api_key_id = ?)
                      and exists (select 1 from nodes n where n.token = r.owner_token and n.left_at is null
                          and n.lease_until > now())""")) {
                select.setString(1, id.value());
                select.setLong(2, ownerToken);
                String key = caller.apiKey().map(ApiKeyId::value).orElse(null);
                select.setString(3, key);
                select.setString(4, key);
                try (ResultSet row = select.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    private static void insert(Connection connection, BandRecord band) throws SQLException {
        Optional<Verdict.Reading> verdict = band.verdict();
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into bands (id, api_key_id, request_id, request_id_escaped, started_at, ended_at, cancelled,
                    synthesis, synthesis_escaped, verdict_score, verdict_flags, verdict_error, total_tokens, total_cost)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing""")) {
            insert.setString(1, band.bandId().value());
            insert.setString(2, band.apiKey().map(ApiKeyId::value).orElse(null));
            Optional<Column> requestId = band.requestId().map(Column::of);
            insert.setString(3, requestId.map(Column::value).orElse(null));
            insert.setBoolean(4, requestId.map(Column::escaped).orElse(false));
            insert.setTimestamp(5, Timestamp.from(band.startedAt()));
            insert.setTimestamp(6, Timestamp.from(band.endedAt()));
            insert.setBoolean(7, band.cancelled());
            Optional<Column> synthesis = band.synthesis().map(Column::of);
            insert.setString(8, synthesis.map(Column::value).orElse(null));
            insert.setBoolean(9, synthesis.map(Column::escaped).orElse(false));
            insert.setBigDecimal(10, verdict.flatMap(JdbcBandStore::score).orElse(null));
            List<String> flags = verdict.map(r -> r instanceof Verdict.Reading.Scored s ? s.verdict().flags() : List.<String>of())
                    .orElse(List.of()).stream().map(StoredText::sanitized).toList();
            insert.setArray(11, connection.createArrayOf("text", flags.toArray()));
            insert.setString(12, verdict.flatMap(r -> r instanceof Verdict.Reading.Unreadable u
                    ? Optional.of(StoredText.sanitized(u.reason())) : Optional.empty()).orElse(null));
            insert.setLong(13, band.totalTokens().value());
            insert.setBigDecimal(14, band.totalCost().amount());
            if (insert.executeUpdate() == 0) {
                return;
            }
        }
        try (PreparedStatement member = connection.prepareStatement("""
                insert into band_members (band_id, position, session_id, agent_role, model, outcome, tokens, cost_usd, used)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            int position = 0;
            for (BandRecord.Member result : band.members()) {
                member.setString(1, band.bandId().value());
                member.setInt(2, position++);
                member.setString(3, result.sessionId().value());
                member.setString(4, result.role().wireName());
                member.setString(5, result.model().value());
                member.setString(6, result.outcome().wireName());
                member.setLong(7, result.tokens().value());
                member.setBigDecimal(8, result.cost().amount());
                member.setBoolean(9, result.used());
                member.addBatch();
            }
            member.executeBatch();
        }
    }

    private static Optional<BigDecimal> score(Verdict.Reading reading) {
        return reading instanceof Verdict.Reading.Scored scored ? Optional.of(scored.verdict().score()) : Optional.empty();
    }

    @Override
    public Optional<BandView> find(BandId id, Caller caller) {
        if (StoredText.needsEscape(id.value())) {
            return Optional.empty(); // ids are ours and plain: such an id was never stored
        }
        return query("band " + id, connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    select * from bands where id = ? and (cast(? as text) is null or api_key_id = ?)""")) {
                select.setString(1, id.value());
                String key = caller.apiKey().map(ApiKeyId::value).orElse(null);
                select.setString(2, key);
                select.setString(3, key);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(view(row, members(connection, id.value())));
                }
            }
        });
    }

    private static BandView view(ResultSet row, List<BandView.Member> members) throws SQLException {
        Array flags = row.getArray("verdict_flags");
        return new BandView(row.getString("id"), Optional.ofNullable(row.getString("api_key_id")),
                Optional.ofNullable(Column.read(row.getString("request_id"), row.getBoolean("request_id_escaped"))),
                row.getTimestamp("started_at").toInstant(), row.getTimestamp("ended_at").toInstant(),
                row.getBoolean("cancelled"),
                Optional.ofNullable(Column.read(row.getString("synthesis"), row.getBoolean("synthesis_escaped"))),
                Optional.ofNullable(row.getBigDecimal("verdict_score")).map(BigDecimal::stripTrailingZeros),
                flags == null ? List.of() : Arrays.asList((String[]) flags.getArray()),
                Optional.ofNullable(row.getString("verdict_error")), row.getLong("total_tokens"),
                Usd.of(row.getBigDecimal("total_cost")), members);
    }

    private static List<BandView.Member> members(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select * from band_members where band_id = ? order by position")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                var members = new ArrayList<BandView.Member>();
                while (rows.next()) {
                    members.add(new BandView.Member(rows.getString("session_id"), rows.getString("agent_role"),
                            rows.getString("model"), rows.getString("outcome"), rows.getLong("tokens"),
                            Usd.of(rows.getBigDecimal("cost_usd")), rows.getBoolean("used")));
                }
                return members;
            }
        }
    }

    /** Bands whose start falls in the period (UTC days, both included), of the caller's key if it has one. */
    @Override
    public BandStats stats(StatsQuery query, Caller caller) {
        String key = caller.apiKey().map(ApiKeyId::value).orElse(null);
        String bandsInPeriod = """
                from bands b where (b.started_at at time zone 'UTC')::date between ? and ?
                  and (cast(? as text) is null or b.api_key_id = ?)""";
        return query("band statistics", connection -> {
            long count;
            long cancelled;
            long scored;
            Optional<BigDecimal> average;
            try (PreparedStatement select = connection.prepareStatement("select count(*), count(*) filter (where cancelled),"
                    + " count(verdict_score), avg(verdict_score) " + bandsInPeriod)) {
                bind(select, query, key);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    count = row.getLong(1);
                    cancelled = row.getLong(2);
                    scored = row.getLong(3);
                    average = Optional.ofNullable(row.getBigDecimal(4)).map(JdbcBandStore::rounded);
                }
            }
            var rows = new ArrayList<BandStats.Row>();
            try (PreparedStatement select = connection.prepareStatement("""
                    select m.agent_role, m.model, count(*), count(*) filter (where m.outcome = 'completed'),
                           count(*) filter (where m.used), count(b.verdict_score), avg(b.verdict_score), sum(m.cost_usd)
                    from band_members m join bands b on b.id = m.band_id
                    where (b.started_at at time zone 'UTC')::date between ? and ?
                      and (cast(? as text) is null or b.api_key_id = ?)
                    group by m.agent_role, m.model order by m.agent_role, m.model""")) {
                bind(select, query, key);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        rows.add(new BandStats.Row(row.getString(1), row.getString(2), row.getLong(3), row.getLong(4),
                                row.getLong(5), row.getLong(6), Optional.ofNullable(row.getBigDecimal(7)).map(JdbcBandStore::rounded),
                                Usd.of(row.getBigDecimal(8))));
                    }
                }
            }
            return new BandStats(count, cancelled, scored, average, rows);
        });
    }

    @Override
    public Series verdicts(SeriesQuery query, Caller caller) {
        return query("the verdict series", connection -> VerdictSeriesSql.run(connection, query, caller));
    }

    private static BigDecimal rounded(BigDecimal value) {
        return value.setScale(3, RoundingMode.HALF_EVEN);
    }

    private static void bind(PreparedStatement select, StatsQuery query, String key) throws SQLException {
        select.setDate(1, Date.valueOf(query.from()));
        select.setDate(2, Date.valueOf(query.to()));
        select.setString(3, key);
        select.setString(4, key);
    }

    private <T> T query(String what, Read<T> read) {
        try (Connection connection = dataSource.getConnection()) {
            return read.run(connection);
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T run(Connection connection) throws SQLException;
    }
}
