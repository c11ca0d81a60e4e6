package dev.vctt.stream.adapters.persistence.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.Distribution;
import dev.vctt.stream.application.port.DistributionQuery;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The series and distributions over a few hundred thousand sessions: the plan reads a window from an index (the start
 * time's, or one key's covering index) instead of the whole table. What it took is measured (EXPLAIN ANALYZE) and written to
 * {@code target/series-scale.txt} for docs/performance.md; no wall-clock time is asserted.
 */
class SeriesScaleIT {

    private static final Logger log = LoggerFactory.getLogger(SeriesScaleIT.class);
    private static final int SESSIONS = 300_000;
    /** The seeded sessions span 30 days before this instant, one every ~8.6 s. */
    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    private static final List<String> measured = new ArrayList<>();

    @BeforeAll
    static void seed() throws Exception {
        try (Connection connection = fixture.database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("""
                    insert into sessions (id, client_id, api_key_id, agent_role, temperature, tools_enabled, status,
                        first_model, first_provider, current_model, current_provider, input_estimate, started_at,
                        first_token_at, ended_at, input_tokens, output_tokens, cost_usd, usage_estimated, finish_reason,
                        error_code, fallback_used, gap_p50_ms, gap_p99_ms, tokens_per_second, chunks_sent, bytes_sent,
                        resumes, waste_tokens, models_tried)
                    select 's' || i, 'c' || (i %% 500), 'key_' || (i %% 20),
                        (array['primary', 'analyst', 'ethics', 'critic'])[1 + i %% 4], 0.5, false,
                        case when i %% 50 = 0 then 'failed' when i %% 23 = 0 then 'cancelled' else 'completed' end,
                        'gpt-4o', 'openai', (array['gpt-4o', 'claude-sonnet-4-5', 'grok-4', 'gpt-4o-mini'])[1 + i %% 4],
                        'openai', 100, t, t + (50 + i %% 700) * interval '1 millisecond', t + interval '3 seconds', 100,
                        200 + i %% 300, 0.0001 * (1 + i %% 7), false, 'stop',
                        case when i %% 50 = 0 then 'PROVIDER_ERROR' end, i %% 37 = 0, 5 + i %% 20, 40 + i %% 400,
                        20 + i %% 80, 60, 400, (i %% 97 = 0)::int, case when i %% 23 = 0 then i %% 120 else 0 end,
                        case when i %% 37 = 0 then jsonb_build_array(jsonb_build_object('model', 'gpt-4o', 'outcome', 'failed',
                                'kind', (array['OVERLOADED', 'RATE_LIMITED'])[1 + i %% 2], 'reason', 'seeded'),
                            jsonb_build_object('model', 'claude-sonnet-4-5', 'outcome', 'completed'))
                        else jsonb_build_array(jsonb_build_object('model', 'gpt-4o', 'outcome', 'completed')) end
                    from generate_series(1, %d) as i,
                        lateral (select timestamptz '%s' - (i * interval '8640 milliseconds') as t) as start
                    """.formatted(SESSIONS, NOW));
            statement.execute("vacuum analyze sessions"); // sets the visibility map, as autovacuum would
        }
    }

    @Test
    void a_day_of_time_to_first_token_by_model_reads_the_start_time_index() throws Exception {
        var query = new SeriesQuery(SeriesQuery.Metric.TTFT_P95, SeriesQuery.GroupBy.MODEL, SeriesQuery.Bucket.FIVE_MINUTES,
                NOW.minusSeconds(86_400), NOW);

        JsonNode plan = explain("ttft_p95 by model, 5m buckets, last 24 h, all keys", query, Caller.ANONYMOUS);

        assertThat(indexesUsed(plan)).contains("sessions_by_start");
        assertThat(rowsRead(plan)).isLessThan(SESSIONS / 10);
    }

    @Test
    void a_week_of_one_keys_spend_by_role_reads_the_key_index() throws Exception {
        var query = new SeriesQuery(SeriesQuery.Metric.SPEND, SeriesQuery.GroupBy.ROLE, SeriesQuery.Bucket.HOUR,
                NOW.minusSeconds(7 * 86_400), NOW);

        JsonNode plan = explain("spend by role, 1h buckets, last 7 days, one key of 20", query,
                Caller.of(ApiKeyId.of("key_7")));

        assertThat(indexesUsed(plan)).contains("sessions_series_by_key");
        assertThat(rowsRead(plan)).isLessThan(SESSIONS / 20);
    }

    @Test
    void thirty_days_of_gap_p99_by_model_answer_with_every_bucket() throws Exception {
        var query = new SeriesQuery(SeriesQuery.Metric.GAP_P99, SeriesQuery.GroupBy.MODEL, SeriesQuery.Bucket.DAY,
                NOW.minusSeconds(30 * 86_400), NOW);

        explain("gap_p99 by model, 1d buckets, 30 days (the whole table)", query, Caller.ANONYMOUS);
        Series series;
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            series = SeriesSql.run(connection, query, Caller.ANONYMOUS);
        }

        assertThat(series.lines()).hasSize(4);
        assertThat(series.lines()).allSatisfy(line -> assertThat(line.points()).hasSizeBetween(30, 31));
    }

    @Test
    void thirty_days_of_spend_by_key_behind_budget_use_answer_every_key_and_day() throws Exception {
        var query = new SeriesQuery(SeriesQuery.Metric.SPEND, SeriesQuery.GroupBy.KEY, SeriesQuery.Bucket.DAY,
                NOW.minusSeconds(30 * 86_400), NOW);

        explain("spend by key (what budget_use divides), 1d buckets, 30 days (the whole table)", query, Caller.ANONYMOUS);
        Series series;
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            series = SeriesSql.run(connection, query, Caller.ANONYMOUS);
        }

        assertThat(series.lines()).hasSize(20);
        assertThat(series.lines()).allSatisfy(line -> assertThat(line.points()).hasSizeBetween(30, 31));
    }

    @Test
    void a_day_of_fallbacks_by_kind_reads_the_start_time_index_and_unnests_only_the_fallen_back_sessions() throws Exception {
        var query = new SeriesQuery(SeriesQuery.Metric.FALLBACKS, SeriesQuery.GroupBy.KIND, SeriesQuery.Bucket.HOUR,
                NOW.minusSeconds(86_400), NOW);

        JsonNode plan = explain("fallbacks by kind, 1h buckets, last 24 h, all keys", query, Caller.ANONYMOUS);
        Series series;
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            series = SeriesSql.run(connection, query, Caller.ANONYMOUS);
        }

        assertThat(indexesUsed(plan)).contains("sessions_by_start");
        assertThat(rowsRead(plan)).isLessThan(SESSIONS / 10);
        assertThat(series.lines()).extracting(Series.Line::group).containsExactly("OVERLOADED", "RATE_LIMITED");
        // a day holds 10 000 sessions, every 37th fell back once
        assertThat(series.lines().stream().flatMap(line -> line.points().stream())
                .mapToLong(point -> point.value().longValueExact()).sum()).isBetween(265L, 275L);
    }

    @Test
    void a_day_of_the_tokens_per_second_distribution_by_model_reads_the_start_time_index() throws Exception {
        var query = new DistributionQuery(DistributionQuery.Metric.TOKENS_PER_SECOND, SeriesQuery.GroupBy.MODEL,
                NOW.minusSeconds(86_400), NOW);

        JsonNode plan;
        Distribution distribution;
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            plan = explain("tokens_per_second distribution by model, last 24 h, all keys", DistributionSql.prepare(connection,
                    "explain (analyze, buffers, format json) " + DistributionSql.sql(query, Caller.ANONYMOUS), query,
                    Caller.ANONYMOUS));
            distribution = DistributionSql.run(connection, query, Caller.ANONYMOUS);
        }

        assertThat(indexesUsed(plan)).contains("sessions_by_start");
        assertThat(rowsRead(plan)).isLessThan(SESSIONS / 10);
        assertThat(distribution.lines()).hasSize(4);
        assertThat(distribution.lines().stream().mapToLong(Distribution.Line::sessions).sum()).isBetween(9_900L, 10_100L);
    }

    @Test
    void a_week_of_one_keys_gap_p99_distribution_reads_the_key_index() throws Exception {
        var query = new DistributionQuery(DistributionQuery.Metric.GAP_P99, SeriesQuery.GroupBy.MODEL,
                NOW.minusSeconds(7 * 86_400), NOW);
        Caller key = Caller.of(ApiKeyId.of("key_7"));

        JsonNode plan;
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            plan = explain("gap_p99 distribution by model, last 7 days, one key of 20", DistributionSql.prepare(connection,
                    "explain (analyze, buffers, format json) " + DistributionSql.sql(query, key), query, key));
        }

        assertThat(indexesUsed(plan)).contains("sessions_series_by_key");
        assertThat(rowsRead(plan)).isLessThan(SESSIONS / 20);
    }

    private static JsonNode explain(String what, SeriesQuery query, Caller caller) throws Exception {
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            return explain(what, SeriesSql.prepare(connection,
                    "explain (analyze, buffers, format json) " + SeriesSql.sql(query, caller), query, caller));
        }
    }

    private static JsonNode explain(String what, PreparedStatement explain) throws Exception {
        try (explain; ResultSet result = explain.executeQuery()) {
            result.next();
            JsonNode plan = new ObjectMapper().readTree(result.getString(1)).get(0);
            String line = "%s: %.1f ms (planning %.1f ms), %d rows read, indexes %s".formatted(what,
                    plan.path("Execution Time").asDouble(), plan.path("Planning Time").asDouble(), rowsRead(plan),
                    indexesUsed(plan));
            log.info("series at {} sessions: {}", SESSIONS, line);
            synchronized (measured) {
                measured.add(line);
                Path out = Path.of("target", "series-scale.txt");
                Files.createDirectories(out.getParent());
                Files.writeString(out, SESSIONS + " sessions\n" + String.join("\n", measured) + "\n");
            }
            return plan;
        }
    }

    private static List<String> indexesUsed(JsonNode plan) {
        var names = new ArrayList<String>();
        plan.findValues("Index Name").forEach(name -> names.add(name.asText()));
        return names;
    }

    /** Rows the scans at the leaves of the plan produced. */
    private static long rowsRead(JsonNode plan) {
        long rows = 0;
        for (JsonNode node : plan.findParents("Node Type")) {
            String type = node.path("Node Type").asText();
            if (type.contains("Scan") && !node.has("Plans")) {
                rows += node.path("Actual Rows").asLong() * Math.max(1, node.path("Actual Loops").asLong());
            }
        }
        return rows;
    }
}
