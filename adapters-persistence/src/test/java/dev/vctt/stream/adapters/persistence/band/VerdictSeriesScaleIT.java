package dev.vctt.stream.adapters.persistence.band;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
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
 * The {@code verdict_score} series over 60 000 bands of four members: a window is read from the bands'
 * start index (or one key's), and each band's members from V9's covering index (index-only). Measured with EXPLAIN ANALYZE
 * into {@code target/verdict-series-scale.txt} for docs/performance.md; no wall-clock time is asserted.
 */
class VerdictSeriesScaleIT {

    private static final Logger log = LoggerFactory.getLogger(VerdictSeriesScaleIT.class);
    private static final int BANDS = 60_000;
    /** The seeded bands span 30 days before this instant, one every 43.2 s. */
    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    private static final List<String> measured = new ArrayList<>();

    @BeforeAll
    static void seed() throws Exception {
        try (Connection connection = fixture.database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("""
                    insert into bands (id, api_key_id, started_at, ended_at, cancelled, verdict_score, total_tokens, total_cost)
                    select 'b' || i, 'key_' || (i %% 20), t, t + interval '9 seconds', false,
                        case when i %% 5 = 4 then null else (i %% 101) / 100.0 end, 400, 0.004
                    from generate_series(1, %d) as i,
                        lateral (select timestamptz '%s' - (i * interval '43200 milliseconds') as t) as start
                    """.formatted(BANDS, NOW));
            statement.execute("""
                    insert into band_members (band_id, position, session_id, agent_role, model, outcome, tokens, cost_usd, used)
                    select 'b' || i, p, 'b' || i || '-' || p, (array['analyst', 'ethics', 'verification', 'synthesiser'])[1 + p],
                        (array['gpt-4o', 'claude-sonnet-4-5', 'grok-4', 'gpt-4o-mini'])[1 + (i + p) %% 4], 'completed', 100,
                        0.001, p < 3
                    from generate_series(1, %d) as i, generate_series(0, 3) as p
                    """.formatted(BANDS));
            statement.execute("vacuum analyze bands");
            statement.execute("vacuum analyze band_members");
        }
    }

    @Test
    void a_week_of_verdict_scores_by_role_reads_the_bands_start_index() throws Exception {
        var query = new SeriesQuery(SeriesQuery.Metric.VERDICT_SCORE, SeriesQuery.GroupBy.ROLE, SeriesQuery.Bucket.HOUR,
                NOW.minusSeconds(7 * 86_400), NOW);

        JsonNode plan = explain("verdict_score by role, 1h buckets, last 7 days, all keys", query, Caller.ANONYMOUS);
        Series series;
        try (Connection connection = fixture.database.dataSource().getConnection()) {
            series = VerdictSeriesSql.run(connection, query, Caller.ANONYMOUS);
        }

        assertThat(indexesUsed(plan)).contains("bands_by_start", "band_members_roles_models");
        assertThat(rowsRead(plan)).as("bands and members read").isLessThan(5 * BANDS / 3);
        assertThat(series.lines()).extracting(Series.Line::group)
                .containsExactly("analyst", "ethics", "synthesiser", "verification");
        assertThat(series.lines()).allSatisfy(line -> assertThat(line.points()).hasSize(168));
    }

    @Test
    void a_month_of_one_keys_verdict_scores_by_model_reads_the_bands_key_index() throws Exception {
        var query = new SeriesQuery(SeriesQuery.Metric.VERDICT_SCORE, SeriesQuery.GroupBy.MODEL, SeriesQuery.Bucket.DAY,
                NOW.minusSeconds(30 * 86_400), NOW);

        JsonNode plan = explain("verdict_score by model, 1d buckets, 30 days, one key of 20", query,
                Caller.of(ApiKeyId.of("key_7")));

        assertThat(indexesUsed(plan)).contains("bands_by_key", "band_members_roles_models");
        assertThat(rowsRead(plan)).isLessThan(BANDS);
    }

    private static JsonNode explain(String what, SeriesQuery query, Caller caller) throws Exception {
        try (Connection connection = fixture.database.dataSource().getConnection();
             PreparedStatement explain = VerdictSeriesSql.prepare(connection,
                     "explain (analyze, timing off, buffers, format json) " + VerdictSeriesSql.sql(query, caller), query, caller);
             ResultSet result = explain.executeQuery()) {
            result.next();
            JsonNode plan = new ObjectMapper().readTree(result.getString(1)).get(0);
            String line = "%s: %.1f ms (planning %.1f ms), %d rows read, indexes %s".formatted(what,
                    plan.path("Execution Time").asDouble(), plan.path("Planning Time").asDouble(), rowsRead(plan),
                    indexesUsed(plan));
            log.info("verdict series at {} bands: {}", BANDS, line);
            synchronized (measured) {
                measured.add(line);
                Path out = Path.of("target", "verdict-series-scale.txt");
                Files.createDirectories(out.getParent());
                Files.writeString(out, BANDS + " bands of 4 members\n" + String.join("\n", measured) + "\n");
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
