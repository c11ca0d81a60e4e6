package dev.vctt.stream.bootstrap;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Budgets, billing, keys and the session API through the whole server and a real PostgreSQL. */
class MeteringEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUESTION = "Explain quantum computing";
    // the question on gpt-4o: 9 tokens in (3 + framing), at most 100 out: 9 × $2.50/M + 100 × $10/M
    private static final BigDecimal WORST_CASE = new BigDecimal("0.0010225");
    // what openai-basic.sse reports: 19 in, 7 out
    private static final BigDecimal REPORTED_COST = new BigDecimal("0.0001175");

    private final SseReplayServer openai = SseReplayServer.start();
    private Map<String, String> env;
    private ServerApp app;

    private ServerApp start(Map<String, String> variables) {
        var all = new java.util.HashMap<>(variables);
        all.put("OPENAI_BASE_URL", openai.baseUrl().toString());
        all.put("VCTT_ROUTES", "*=gpt-4o");
        env = TestEnvironment.of(all);
        app = ServerApp.start(AppConfig.fromEnv(env), Clock.systemUTC());
        return app;
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        openai.close();
    }

    @Test
    void fifty_concurrent_streams_against_a_budget_that_fits_twenty_complete_exactly_twenty_billed_once() throws Exception {
        BigDecimal budget = WORST_CASE.multiply(BigDecimal.valueOf(20)).add(new BigDecimal("0.0005"));
        start(Map.of("VCTT_DAILY_BUDGET_USD", budget.toPlainString(), "VCTT_MAX_STREAMS_PER_CONNECTION", "50"));
        // slow enough that no stream ends (and frees budget) before all fifty have asked
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(250)));

        var clients = new ArrayList<WsTestClient>();
        for (int i = 0; i < 50; i++) {
            clients.add(WsTestClient.connect(app.port()));
        }
        for (int i = 0; i < 50; i++) {
            clients.get(i).send("stream_request", Map.of("message", QUESTION, "maxTokens", 100, "requestId", "r" + i));
        }

        int completed = 0;
        int refused = 0;
        for (WsTestClient client : clients) {
            JsonNode end = awaitEnd(client);
            if (end.path("event").asText().equals("stream_complete")) {
                completed++;
                assertThat(end.path("data").path("totalCost").decimalValue()).isEqualByComparingTo(REPORTED_COST);
            } else {
                refused++;
                assertThat(end.path("data").path("code").asText()).isEqualTo("BUDGET_EXCEEDED");
                assertThat(end.path("data").has("sessionId")).isFalse();
            }
            client.close();
        }
        assertThat(completed).isEqualTo(20);
        assertThat(refused).isEqualTo(30);
        assertThat(openai.requests()).hasSize(20);

        holds(Duration.ofSeconds(20), () -> {
            assertThat(sql("select count(*) from spend_ledger")).isEqualByComparingTo("20");
            assertThat(sql("select count(distinct session_id) from spend_ledger")).isEqualByComparingTo("20");
            assertThat(sql("select sum(cost_usd) from spend_ledger"))
                    .isEqualByComparingTo(REPORTED_COST.multiply(BigDecimal.valueOf(20)));
            assertThat(sql("select count(*) from spend_ledger where usage_estimated")).isEqualByComparingTo("0");
            assertThat(sql("select spent_usd from budget_days where account = 'global'"))
                    .isEqualByComparingTo(REPORTED_COST.multiply(BigDecimal.valueOf(20)));
            assertThat(sql("select reserved_usd from budget_days where account = 'global'")).isEqualByComparingTo("0");
            assertThat(sql("select count(*) from sessions where status = 'completed'")).isEqualByComparingTo("20");
        });
    }

    @Test
    void a_stored_session_can_be_read_back_with_its_messages_and_counted_in_the_stats() throws Exception {
        start(Map.of());
        openai.enqueue(Reply.sse(Transcripts.bytes("openai-basic.sse")));
        String sessionId;
        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", QUESTION, "systemPrompt", "Be brief.", "agentRole", "analyst"));
            sessionId = client.await("stream_complete").path("sessionId").asText();
        }

        holds(() -> {
            JsonNode session = get("/api/sessions/" + sessionId, null).body();
            assertThat(session.path("status").asText()).isEqualTo("completed");
            assertThat(session.path("agentRole").asText()).isEqualTo("analyst");
            assertThat(session.path("inputTokens").asInt()).isEqualTo(19);
            assertThat(session.path("outputTokens").asInt()).isEqualTo(7);
            assertThat(session.path("cost").decimalValue()).isEqualByComparingTo(REPORTED_COST);
            assertThat(session.path("usageEstimated").asBoolean()).isFalse();
            assertThat(session.path("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                    + "{\"role\":\"user\",\"content\":\"" + QUESTION + "\"},"
                    + "{\"role\":\"assistant\",\"content\":\"The capital of France is Paris.\"}]");
            assertThat(session.path("modelsTried").toString()).isEqualTo("[{\"model\":\"gpt-4o\",\"outcome\":\"completed\"}]");
        });
        // the spend line is a write of its own, which need not have landed with the session's
        holds(() -> {
            JsonNode stats = get("/api/stats", null).body();
            assertThat(stats.path("total").path("sessions").asInt()).isEqualTo(1);
            assertThat(stats.path("total").path("spend").decimalValue()).isEqualByComparingTo(REPORTED_COST);
            assertThat(stats.path("byRole").get(0).path("role").asText()).isEqualTo("analyst");
            assertThat(stats.path("byModel").get(0).path("model").asText()).isEqualTo("gpt-4o");
            assertThat(stats.path("total").path("firstTokenMsP50").isNumber()).isTrue();
        });
        assertThat(get("/api/sessions/nope", null).status()).isEqualTo(404);
        assertThat(get("/api/stats?from=2026-13-01", null).status()).isEqualTo(400);
        assertThat(get("/health", null).body().path("database").asText()).isEqualTo("up");
    }

    @Test
    void a_stored_session_shows_how_its_stream_went_and_counts_in_the_series() throws Exception {
        start(Map.of());
        openai.enqueue(Reply.sse(Transcripts.bytes("openai-basic.sse")));
        String sessionId;
        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", QUESTION, "agentRole", "ethics"));
            sessionId = client.await("stream_complete").path("sessionId").asText();
        }

        holds(() -> {
            JsonNode quality = get("/api/sessions/" + sessionId, null).body().path("quality");
            assertThat(quality.path("timeToFirstTokenMs").isNumber()).isTrue();
            assertThat(quality.path("chunksSent").asInt()).isPositive();
            assertThat(quality.path("bytesSent").asInt()).isEqualTo("The capital of France is Paris.".length());
            assertThat(quality.path("resumes").asInt()).isZero();
            assertThat(quality.path("wasteTokens").asInt()).isZero();
            assertThat(quality.has("chunkGapP99Ms")).isTrue();
            assertThat(quality.has("tokensPerSecond")).isTrue();
        });
        holds(() -> {
            JsonNode series = get("/api/stats/series?metric=sessions&by=role&bucket=1h", null).body();
            assertThat(series.path("lines").get(0).path("group").asText()).isEqualTo("ethics");
            assertThat(series.path("lines").get(0).path("points").get(0).get(1).asInt()).isEqualTo(1);
        });
        JsonNode spend = get("/api/stats/series?metric=spend&by=model&bucket=1d", null).body();
        assertThat(spend.path("lines").get(0).path("points").get(0).get(1).decimalValue())
                .isEqualByComparingTo(REPORTED_COST);
        for (String bad : List.of("metric=nope", "", "metric=spend&by=colour", "metric=spend&bucket=2m",
                "metric=spend&from=yesterday", "metric=spend&from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
                "metric=spend&bucket=5m&from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z",
                "metric=budget_use&by=model", "metric=verdict_score&by=kind")) {
            var answer = get("/api/stats/series?" + bad, null);
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.body().path("code").asText()).as(bad).isEqualTo("BAD_REQUEST");
            assertThat(answer.body().path("error").asText()).as(bad).isNotBlank();
        }
        JsonNode distribution = get("/api/stats/distribution?metric=tokens_per_second&by=role", null).body();
        assertThat(distribution.path("bounds")).hasSize(13);
        assertThat(distribution.path("lines").get(0).path("group").asText()).isEqualTo("ethics");
        assertThat(distribution.path("lines").get(0).path("sessions").asInt()).isEqualTo(1);
        assertThat(distribution.path("lines").get(0).path("counts")).hasSize(14);
        for (String bad : List.of("metric=ttft_p50", "", "metric=gap_p99&by=colour", "metric=gap_p99&to=soon",
                "metric=gap_p99&from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z")) {
            var answer = get("/api/stats/distribution?" + bad, null);
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.body().path("code").asText()).as(bad).isEqualTo("BAD_REQUEST");
            assertThat(answer.body().path("error").asText()).as(bad).isNotBlank();
        }
    }

    @Test
    void a_message_postgresql_cannot_hold_as_text_is_recorded_and_read_back_exactly() throws Exception {
        start(Map.of());
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")));
        // U+0000 and a lone surrogate, as a client can send them: JSON escapes in a valid UTF-8 frame
        String nul = "What is \0 here?";
        String lone = "Half a pair: \uD83D, a backslash: \\0";
        String nulSession;
        String loneSession;
        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.sendRaw("{\"event\":\"stream_request\",\"data\":{\"message\":\"What is \\u0000 here?\"}}");
            nulSession = client.await("stream_complete").path("sessionId").asText();
        }
        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.sendRaw("{\"event\":\"stream_request\",\"data\":{\"message\":\"Half a pair: \\ud83d, a backslash: \\\\0\"}}");
            loneSession = awaitEnd(client).path("data").path("sessionId").asText();
        }

        holds(() -> {
            JsonNode session = get("/api/sessions/" + nulSession, null).body();
            assertThat(session.path("status").asText()).isEqualTo("completed");
            assertThat(session.path("messages").get(0).path("content").asText()).isEqualTo(nul);
            assertThat(session.path("messages").get(1).path("content").asText()).isEqualTo("The capital of France is Paris.");
        });
        holds(() -> {
            JsonNode session = get("/api/sessions/" + loneSession, null).body();
            assertThat(session.path("status").asText()).isNotEqualTo("running");
            assertThat(session.path("messages").get(0).path("content").asText()).isEqualTo(lone);
        });
        assertThat(metrics()).contains("vctt_store_writes_set_aside_total 0.0");
    }

    @Test
    void with_keys_required_a_client_needs_a_live_key_and_sees_only_its_own_sessions() throws Exception {
        start(Map.of("VCTT_AUTH", "keys"));
        String alice = issueKey("alice", "5");
        String bob = issueKey("bob", "5");
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")));
        URI stream = URI.create("ws://127.0.0.1:" + app.port() + "/stream");

        assertThatThrownBy(() -> WsTestClient.connect(app.port())).isInstanceOf(CompletionException.class)
                .rootCause().hasMessageContaining("401");
        assertThatThrownBy(() -> WsTestClient.connect(URI.create(stream + "?token=vctt_wrong"), null))
                .rootCause().hasMessageContaining("401");

        String aliceSession;
        try (WsTestClient client = WsTestClient.connect(URI.create(stream + "?token=" + alice), null)) {
            client.send("stream_request", Map.of("message", QUESTION));
            aliceSession = client.await("stream_complete").path("sessionId").asText();
        }

        holds(() -> assertThat(get("/api/sessions/" + aliceSession, alice).status()).isEqualTo(200));
        assertThat(get("/api/sessions/" + aliceSession, alice).body().path("apiKeyId").asText()).startsWith("key_");
        assertThat(get("/api/sessions/" + aliceSession, bob).status()).isEqualTo(404);
        assertThat(get("/api/sessions/" + aliceSession, null).status()).isEqualTo(401);
        holds(() -> assertThat(get("/api/stats", alice).body().path("total").path("sessions").asInt()).isEqualTo(1));
        assertThat(get("/api/stats", bob).body().path("total").path("sessions").asInt()).isZero();

        String aliceId = get("/api/sessions/" + aliceSession, alice).body().path("apiKeyId").asText();
        var out = new ByteArrayOutputStream();
        assertThat(AdminCommand.run(new String[] {"keys", "revoke", aliceId}, AppConfig.fromEnv(env),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();
        assertThatThrownBy(() -> WsTestClient.connect(URI.create(stream + "?token=" + alice), null))
                .rootCause().hasMessageContaining("401");
    }

    @Test
    void a_key_with_a_small_budget_is_refused_before_any_provider_is_called() throws Exception {
        start(Map.of("VCTT_AUTH", "keys"));
        String tight = issueKey("tight", "0.0001");

        try (WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/stream?token=" + tight),
                null)) {
            client.send("stream_request", Map.of("message", QUESTION));

            JsonNode error = client.await("stream_error");
            assertThat(error.path("code").asText()).isEqualTo("BUDGET_EXCEEDED");
            assertThat(error.path("error").asText()).contains("this API key's budget");
        }
        assertThat(openai.requests()).isEmpty();
    }

    @Test
    void the_keys_command_creates_lists_and_revokes() {
        start(Map.of());
        var out = new ByteArrayOutputStream();
        var print = new PrintStream(out, true, StandardCharsets.UTF_8);

        assertThat(AdminCommand.run(new String[] {"keys", "create", "ci", "--daily-budget", "2.50"}, AppConfig.fromEnv(env),
                print, print)).isZero();
        assertThat(AdminCommand.run(new String[] {"keys", "list"}, AppConfig.fromEnv(env), print, print)).isZero();
        assertThat(AdminCommand.run(new String[] {"keys", "create"}, AppConfig.fromEnv(env), print, print)).isEqualTo(2);
        assertThat(AdminCommand.run(new String[] {"keys", "revoke", "key_nobody"}, AppConfig.fromEnv(env), print, print))
                .isEqualTo(1);

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("with a daily budget of $2.5").containsPattern("secret \\(shown once, keep it safe\\): vctt_\\S{40,}")
                .contains("\tci\t$2.5/day\tlive").contains("no live key key_nobody");
    }

    private String issueKey(String name, String budget) {
        var out = new ByteArrayOutputStream();
        int code = AdminCommand.run(new String[] {"keys", "create", name, "--daily-budget", budget}, AppConfig.fromEnv(env),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        return text.substring(text.indexOf("vctt_")).strip();
    }

    private static JsonNode awaitEnd(WsTestClient client) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode frame : client.frames()) {
                String event = frame.path("event").asText();
                if (event.equals("stream_complete") || event.equals("stream_error")) {
                    return frame;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no end of stream within 30 s: " + client.frames());
    }

    private record Answer(int status, JsonNode body) {
    }

    private Answer get(String path, String key) {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), JSON.readTree(response.body()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String metrics() throws Exception {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private BigDecimal sql(String query) {
        return TestEnvironment.number(env, query);
    }
}
