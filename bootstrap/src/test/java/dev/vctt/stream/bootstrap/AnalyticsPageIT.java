package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /analytics} in headless Chromium against the whole server: the server streams through the
 * test page (a completed answer and a stopped one, two roles, the offline demo model) and holds a
 * day of earlier sessions of three models with fallbacks, errors, cancels and waste (inserted in its
 * database, as a history would be); every chart draws points, nothing errs in the console, and a
 * screenshot is kept. With keys, a key sees its own figures and none of another key's.
 */
class AnalyticsPageIT {

    static final Path SCREENSHOT = Path.of("target", "screenshots", "analytics.png").toAbsolutePath();
    private static final List<String> MODELS = List.of("gpt-4o", "claude-sonnet-4-5", "grok-4-1-fast");
    private static final List<String> ROLES = List.of("primary", "analyst", "ethics", "verification");

    private ServerApp app;

    @BeforeEach
    @Timeout(value = NodeTools.SETUP_MINUTES, unit = TimeUnit.MINUTES)
    void browser_and_packages() {
        NodeTools.requirePackages();
        NodeTools.chromium();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void every_chart_draws_points_from_streamed_and_earlier_sessions_without_errors() throws Exception {
        Map<String, String> env = TestEnvironment.of(Map.of());
        Key budgeted = createKey(env, "budgeted", "--daily-budget", "0.5");
        app = ServerApp.start(AppConfig.fromEnv(env), Clock.systemUTC());
        seed(env, null, MODELS, 240);
        seed(env, budgeted.id(), List.of("gpt-4o"), 40);
        seedBands(env, null, MODELS, 30);
        Files.deleteIfExists(SCREENSHOT);

        try (NodeScript script = NodeScript.start("analytics-page.js", Map.of("CHROMIUM_PATH",
                NodeTools.chromium().toString()), Integer.toString(app.port()), SCREENSHOT.toString())) {
            script.awaitSuccess(Duration.ofMinutes(4));

            JsonNode streamed = step(script, "streamed");
            assertThat(streamed.path("done").asText()).isEqualTo("done");
            assertThat(streamed.path("stopped").asText()).isEqualTo("cancelled");
            JsonNode charts = step(script, "charts");
            assertThat(charts.path("title").asText()).isEqualTo("VCTT Stream — analytics");
            assertThat(charts.path("charts")).hasSize(17);
            charts.path("charts").forEach(chart -> {
                assertThat(chart.path("points").asInt()).as("points of %s", chart.path("title").asText()).isPositive();
                assertThat(chart.path("canvas").asBoolean()).as("canvas of %s", chart.path("title").asText()).isTrue();
            });
            assertThat(groups(charts, "chart-ttft-p50")).contains("gpt-4o", "claude-sonnet-4-5", "grok-4-1-fast", "demo");
            assertThat(groups(charts, "chart-spend-role")).contains("analyst", "ethics");
            assertThat(groups(charts, "chart-fallback-kinds")).contains("OVERLOADED", "TIMEOUT_FIRST_TOKEN");
            assertThat(groups(charts, "chart-errors")).contains("PROVIDER_ERROR", "PROVIDER_TIMEOUT").doesNotContain("none");
            assertThat(groups(charts, "chart-tokens-per-second-dist")).contains("gpt-4o", "claude-sonnet-4-5", "grok-4-1-fast");
            assertThat(groups(charts, "chart-gap-p99-dist")).contains("gpt-4o", "claude-sonnet-4-5", "grok-4-1-fast");
            assertThat(groups(charts, "chart-budget-key")).containsExactly(budgeted.id());
            assertThat(groups(charts, "chart-verdicts-role")).containsExactly("analyst", "ethics", "synthesiser", "verification");
            assertThat(groups(charts, "chart-verdicts-model")).containsExactlyElementsOf(MODELS.stream().sorted().toList());
            JsonNode end = step(script, "end");
            assertThat(end.path("pageErrors")).as("page errors").isEmpty();
            assertThat(end.path("consoleErrors")).as("console errors").isEmpty();
        }
        assertThat(SCREENSHOT).exists();
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(30_000);
    }

    @Test
    void with_keys_the_page_asks_for_a_key_and_shows_only_that_keys_figures() throws Exception {
        Map<String, String> env = TestEnvironment.of(Map.of("VCTT_AUTH", "keys"));
        Key alice = createKey(env, "alice", "--daily-budget", "0.1");
        Key bob = createKey(env, "bob", "--daily-budget", "0.1");
        app = ServerApp.start(AppConfig.fromEnv(env), Clock.systemUTC());
        seed(env, alice.id(), List.of("model-of-alice"), 60);
        seed(env, bob.id(), List.of("model-of-bob"), 60);
        seedBands(env, alice.id(), List.of("model-of-alice"), 10);
        seedBands(env, bob.id(), List.of("model-of-bob"), 10);
        Path screenshot = SCREENSHOT.resolveSibling("analytics-key.png");

        try (NodeScript script = NodeScript.start("analytics-page.js", Map.of("CHROMIUM_PATH",
                NodeTools.chromium().toString()), Integer.toString(app.port()), screenshot.toString(), alice.secret())) {
            script.awaitSuccess(Duration.ofMinutes(4));

            assertThat(step(script, "asks").path("notice").asText()).contains("asks for an API key");
            JsonNode charts = step(script, "charts");
            assertThat(groups(charts, "chart-ttft-p50")).containsExactly("model-of-alice");
            assertThat(groups(charts, "chart-budget-key")).containsExactly(alice.id());
            assertThat(groups(charts, "chart-verdicts-model")).containsExactly("model-of-alice");
            assertThat(groups(charts, "chart-tokens-per-second-dist")).containsExactly("model-of-alice");
            charts.path("charts").forEach(chart -> assertThat(chart.path("points").asInt())
                    .as("points of %s", chart.path("title").asText()).isPositive());
            assertThat(charts.path("text").asText()).doesNotContain("model-of-bob").doesNotContain(bob.id());
            JsonNode end = step(script, "end");
            assertThat(end.path("pageErrors")).isEmpty();
            assertThat(end.path("consoleErrors")).isEmpty();
        }
    }

    private record Key(String id, String secret) {
    }

    private static Key createKey(Map<String, String> env, String... nameAndOptions) {
        var out = new ByteArrayOutputStream();
        var args = new ArrayList<>(List.of("keys", "create"));
        args.addAll(List.of(nameAndOptions));
        assertThat(AdminCommand.run(args.toArray(String[]::new), AppConfig.fromEnv(env),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        Matcher id = Pattern.compile("key (key_\\S+) created").matcher(printed);
        assertThat(id.find()).as("key id in %s", printed).isTrue();
        return new Key(id.group(1), printed.substring(printed.lastIndexOf("vctt_")).strip());
    }

    /**
     * {@code count} ended sessions over the last 20 hours, spread over the models and roles: every
     * tenth fell back (overloaded or no first token in time, in turn), every twelfth failed (two kinds),
     * every seventh was cancelled with waste.
     */
    private static void seed(Map<String, String> env, String keyId, List<String> models, int count) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (Connection connection = DriverManager.getConnection(env.get("DATABASE_URL"), env.get("DATABASE_USER"),
                env.get("DATABASE_PASSWORD"));
             PreparedStatement insert = connection.prepareStatement("""
                     insert into %s.sessions (id, client_id, api_key_id, agent_role, temperature, tools_enabled, status,
                         first_model, first_provider, current_model, current_provider, input_estimate, started_at,
                         first_token_at, ended_at, input_tokens, output_tokens, cost_usd, usage_estimated, finish_reason,
                         error_code, fallback_used, gap_p50_ms, gap_p99_ms, tokens_per_second, chunks_sent, bytes_sent,
                         resumes, waste_tokens, models_tried)
                     values (?, 'seed', ?, ?, 0.5, false, ?, ?, 'openai', ?, 'openai', 50, ?, ?, ?, 50, ?, ?, false, ?, ?,
                         ?, ?, ?, ?, 40, 300, 0, ?, ?::jsonb)""".formatted(env.get("VCTT_DB_SCHEMA")))) {
            var random = new java.util.Random(15);
            for (int i = 0; i < count; i++) {
                String model = models.get(i % models.size());
                int m = i % models.size();
                Instant started = now.minusSeconds((long) (20 * 3600.0 * i / count) + 60);
                boolean failed = i % 12 == 5;
                boolean cancelled = !failed && i % 7 == 3;
                double jitter = random.nextGaussian();
                insert.setString(1, "seed-" + (keyId == null ? "" : keyId + "-") + i);
                insert.setString(2, keyId);
                insert.setString(3, ROLES.get(i % ROLES.size()));
                insert.setString(4, failed ? "failed" : cancelled ? "cancelled" : "completed");
                insert.setString(5, models.getFirst());
                insert.setString(6, model);
                insert.setTimestamp(7, java.sql.Timestamp.from(started));
                insert.setTimestamp(8, java.sql.Timestamp.from(started.plusMillis(Math.max(40, 250 + 180L * m + Math.round(90 * jitter))
                        + (random.nextInt(10) == 0 ? 600 : 0))));
                insert.setTimestamp(9, java.sql.Timestamp.from(started.plusSeconds(4)));
                insert.setLong(10, 120 + random.nextInt(200));
                insert.setBigDecimal(11, new java.math.BigDecimal("0.0004").multiply(java.math.BigDecimal.valueOf(1 + m)));
                insert.setString(12, failed ? null : cancelled ? "cancelled" : "stop");
                insert.setString(13, failed ? (i % 24 == 5 ? "PROVIDER_ERROR" : "PROVIDER_TIMEOUT") : null);
                insert.setBoolean(14, i % 10 == 0);
                insert.setDouble(15, 12 + m * 4 + random.nextInt(5));
                insert.setDouble(16, 60 + m * 90 + random.nextInt(250));
                insert.setDouble(17, Math.max(5, 45 + m * 15 + 8 * random.nextGaussian()));
                insert.setLong(18, cancelled ? 20 + random.nextInt(60) : 0);
                String answered = "{\"model\":\"" + model + "\",\"outcome\":\"" + (failed ? "failed" : "completed") + "\"}";
                insert.setString(19, i % 10 == 0
                        ? "[{\"model\":\"" + models.getFirst() + "\",\"outcome\":\"failed\",\"kind\":\""
                                + (i % 20 == 0 ? "OVERLOADED" : "TIMEOUT_FIRST_TOKEN") + "\",\"reason\":\"seeded\"}," + answered + "]"
                        : "[" + answered + "]");
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * {@code count} ended bands over the last 20 hours, each of an analyst, an ethics (not every third) and
     * a verification member and a synthesiser, on two of the models in turn, scored lower the later the
     * band's first model is in {@code models} (every fifth unreadable).
     */
    private static void seedBands(Map<String, String> env, String keyId, List<String> models, int count) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String schema = env.get("VCTT_DB_SCHEMA");
        try (Connection connection = DriverManager.getConnection(env.get("DATABASE_URL"), env.get("DATABASE_USER"),
                env.get("DATABASE_PASSWORD"));
             PreparedStatement band = connection.prepareStatement("""
                     insert into %s.bands (id, api_key_id, started_at, ended_at, cancelled, synthesis, verdict_score,
                         verdict_error, total_tokens, total_cost)
                     values (?, ?, ?, ?, false, 'seeded', ?, ?, 400, 0.004)""".formatted(schema));
             PreparedStatement member = connection.prepareStatement("""
                     insert into %s.band_members (band_id, position, session_id, agent_role, model, outcome, tokens,
                         cost_usd, used)
                     values (?, ?, ?, ?, ?, 'completed', 100, 0.001, ?)""".formatted(schema))) {
            var random = new java.util.Random(16);
            List<String> roles = List.of("analyst", "ethics", "verification", "synthesiser");
            for (int i = 0; i < count; i++) {
                String id = "band-seed-" + (keyId == null ? "" : keyId + "-") + i;
                Instant started = now.minusSeconds((long) (20 * 3600.0 * i / count) + 90);
                boolean unreadable = i % 5 == 4;
                band.setString(1, id);
                band.setString(2, keyId);
                band.setTimestamp(3, java.sql.Timestamp.from(started));
                band.setTimestamp(4, java.sql.Timestamp.from(started.plusSeconds(9)));
                // the first model's bands score best, so the lines part
                band.setBigDecimal(5, unreadable ? null
                        : java.math.BigDecimal.valueOf(Math.max(0, 95 - 20 * (i % models.size()) - random.nextInt(15)), 2));
                band.setString(6, unreadable ? "the verdict has no SCORE line" : null);
                band.addBatch();
                for (int position = 0; position < roles.size(); position++) {
                    if (position == 1 && i % 3 == 0) {
                        continue; // some bands go without the ethics voice
                    }
                    member.setString(1, id);
                    member.setInt(2, position);
                    member.setString(3, id + "-" + position);
                    member.setString(4, roles.get(position));
                    member.setString(5, models.get((i + position % 2) % models.size()));
                    member.setBoolean(6, position < 3);
                    member.addBatch();
                }
            }
            band.executeBatch();
            member.executeBatch();
        }
    }

    private static List<String> groups(JsonNode charts, String id) {
        var groups = new ArrayList<String>();
        charts.path("charts").forEach(chart -> {
            if (chart.path("id").asText().equals(id)) {
                chart.path("groups").forEach(group -> groups.add(group.asText()));
            }
        });
        return groups;
    }

    private static JsonNode step(NodeScript script, String name) {
        return script.awaitJson(line -> line.path("step").asText().equals(name), Duration.ofSeconds(5));
    }
}
