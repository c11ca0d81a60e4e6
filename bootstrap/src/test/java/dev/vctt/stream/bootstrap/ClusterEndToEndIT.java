package dev.vctt.stream.bootstrap;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.persistence.Database;
import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.apikey.JdbcApiKeyStore;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.domain.access.IssuedKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three servers in one JVM on one PostgreSQL schema, each on its own port, clients choosing nodes
 * round-robin: what a load balancer without sticky sessions does to them.
 */
class ClusterEndToEndIT {

    private static final String QUESTION = "Explain quantum computing";
    // the question on gpt-4o: 9 tokens in (3 + framing), at most 100 out: 9 × $2.50/M + 100 × $10/M
    private static final BigDecimal WORST_CASE = new BigDecimal("0.0010225");
    private static final Duration RECHECK = Duration.ofMillis(300);

    private final SseReplayServer openai = SseReplayServer.start();
    private final List<ServerApp> nodes = new ArrayList<>();
    private Map<String, String> env;

    private void startNodes(int count, Map<String, String> variables) {
        var all = new HashMap<>(variables);
        all.put("OPENAI_BASE_URL", openai.baseUrl().toString());
        all.put("VCTT_ROUTES", "*=gpt-4o");
        env = TestEnvironment.of(all);
        for (int i = 0; i < count; i++) {
            var mine = new HashMap<>(env);
            mine.put("VCTT_NODE_ID", "node-" + (char) ('a' + i));
            nodes.add(ServerApp.start(AppConfig.fromEnv(mine), Clock.systemUTC()));
        }
    }

    private ServerApp node(char name) {
        return nodes.get(name - 'a');
    }

    @AfterEach
    void stop() {
        nodes.forEach(ServerApp::close);
        openai.close();
    }

    @Test
    void a_cancel_sent_to_node_c_stops_the_stream_running_on_node_a_at_the_provider() {
        // given a slow stream on node a
        startNodes(3, Map.of());
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(500)));
        try (WsTestClient onA = WsTestClient.connect(node('a').port());
             WsTestClient onC = WsTestClient.connect(node('c').port())) {
            onA.send("stream_request", Map.of("message", QUESTION));
            String sessionId = onA.await("stream_start").path("sessionId").asText();
            // the cancel is checked against the shared store: wait until the start is written
            holds(() -> assertThat(sql("select count(*) from sessions where id = '" + sessionId + "'"))
                    .isEqualByComparingTo("1"));

            // when the same caller cancels it through node c
            onC.send("stream_cancel", Map.of("sessionId", sessionId));

            // then node a closes the upstream, and the stream ends as cancelled
            assertThat(openai.awaitAbandonedByClient(Duration.ofSeconds(10))).isTrue();
            JsonNode end = onA.await("stream_complete");
            assertThat(end.path("finishReason").asText()).isEqualTo("cancelled");
            assertThat(onC.events("stream_error")).isEmpty();
        }
    }

    @Test
    void a_client_cut_on_node_a_resumes_on_node_b_while_a_streams_and_again_after_a_completed() {
        // given a stream on node a, paced, and a client that got its first chunks then lost node a
        startNodes(3, Map.of("VCTT_CHUNK_LOG_FLUSH_MS", "50"));
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(300)));
        String sessionId;
        List<String> held = new ArrayList<>();
        try (WsTestClient onA = WsTestClient.connect(node('a').port())) {
            onA.send("stream_request", Map.of("message", QUESTION));
            sessionId = onA.await("stream_start").path("sessionId").asText();
            int cut = new java.util.Random().nextInt(4); // openai-basic.sse has seven chunks
            onA.await("stream_chunk", chunk -> chunk.path("index").asInt() == cut);
            onA.stopReading();
            onA.events("stream_chunk").forEach(chunk -> held.add(chunk.path("chunk").asText()));
            onA.abort();
        }

        // when it resumes on node b while node a still streams
        try (WsTestClient onB = WsTestClient.connect(node('b').port())) {
            onB.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", held.size()));
            JsonNode end = onB.await("stream_complete");

            // then it gets the rest, each index once, and the whole answer
            List<JsonNode> rest = onB.events("stream_chunk");
            assertThat(onB.events("stream_error")).isEmpty();
            assertThat(rest).extracting(chunk -> chunk.path("index").asInt())
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(held.size(), held.size() + rest.size())
                            .boxed().toList());
            var text = new StringBuilder(String.join("", held));
            rest.forEach(chunk -> text.append(chunk.path("chunk").asText()));
            assertThat(text.toString()).isEqualTo(end.path("fullText").asText()).isEqualTo("The capital of France is Paris.");
        }

        // and again on node c, after the stream completed on node a
        try (WsTestClient onC = WsTestClient.connect(node('c').port())) {
            onC.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", 1));
            // held.getFirst() is chunk 0: the client on c holds one chunk
            JsonNode end = onC.await("stream_complete");
            var text = new StringBuilder(held.getFirst());
            onC.events("stream_chunk").forEach(chunk -> text.append(chunk.path("chunk").asText()));
            assertThat(text.toString()).isEqualTo(end.path("fullText").asText());
        }
    }

    @Test
    void each_node_reports_its_name_the_streams_it_owns_and_its_lag_in_health_and_metrics() throws Exception {
        // given a stream running on node a
        startNodes(2, Map.of());
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(500)));
        try (WsTestClient onA = WsTestClient.connect(node('a').port())) {
            onA.send("stream_request", Map.of("message", QUESTION));
            onA.await("stream_start");

            // then
            JsonNode healthA = httpJson(node('a').port(), "/health");
            JsonNode healthB = httpJson(node('b').port(), "/health");
            assertThat(healthA.path("node").path("id").asText()).isEqualTo("node-a");
            assertThat(healthA.path("node").path("leasesHeld").asInt()).isEqualTo(1);
            assertThat(healthA.path("node").path("lagMs").asLong()).isBetween(0L, 10_000L);
            assertThat(healthB.path("node").path("id").asText()).isEqualTo("node-b");
            assertThat(healthB.path("node").path("leasesHeld").asInt()).isZero();
            assertThat(healthA.path("node").path("token").asLong()).isNotEqualTo(healthB.path("node").path("token").asLong());
            assertThat(http(node('a').port(), "/metrics")).contains("vctt_node_leases{node=\"node-a\"} 1.0")
                    .contains("vctt_node_lag_seconds{node=\"node-a\"}");
        }
    }

    private static String http(int port, String path) throws Exception {
        try (var client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            return client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static JsonNode httpJson(int port, String path) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(http(port, path));
    }

    @Test
    void a_cancel_for_no_running_stream_is_not_found_on_any_node() {
        startNodes(2, Map.of());
        try (WsTestClient onB = WsTestClient.connect(node('b').port())) {
            onB.send("stream_cancel", Map.of("sessionId", "no-such-stream"));

            assertThat(onB.await("stream_error").path("code").asText()).isEqualTo("STREAM_NOT_FOUND");
        }
    }

    @Test
    void fifty_concurrent_streams_spread_over_three_nodes_against_a_budget_for_twenty_run_exactly_twenty() {
        // given a global budget that fits twenty worst cases, and answers slow enough that none ends early
        BigDecimal budget = WORST_CASE.multiply(BigDecimal.valueOf(20)).add(new BigDecimal("0.0005"));
        // the default pool (10): a reservation waits for the budget row other nodes hold, a pool of 4
        // shared with fifty streams' writes can run dry on a busy machine before the row is free
        startNodes(3, Map.of("VCTT_DAILY_BUDGET_USD", budget.toPlainString(), "VCTT_DB_POOL_SIZE", "10"));
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(250)));

        // when fifty clients, round-robin over the nodes, ask at once
        var clients = new ArrayList<WsTestClient>();
        for (int i = 0; i < 50; i++) {
            clients.add(WsTestClient.connect(nodes.get(i % 3).port()));
        }
        for (int i = 0; i < 50; i++) {
            clients.get(i).send("stream_request", Map.of("message", QUESTION, "maxTokens", 100, "requestId", "r" + i));
        }

        // then exactly twenty ran, each node refusing once the shared budget was taken
        int completed = 0;
        int refused = 0;
        for (WsTestClient client : clients) {
            JsonNode end = awaitEnd(client);
            if (end.path("event").asText().equals("stream_complete")) {
                completed++;
            } else {
                refused++;
                assertThat(end.path("data").path("code").asText()).isEqualTo("BUDGET_EXCEEDED");
            }
            client.close();
        }
        assertThat(completed).isEqualTo(20);
        assertThat(refused).isEqualTo(30);
        assertThat(openai.requests()).hasSize(20);
        holds(Duration.ofSeconds(20), () -> {
            assertThat(sql("select count(distinct session_id) from spend_ledger")).isEqualByComparingTo("20");
            assertThat(sql("select reserved_usd from budget_days where account = 'global'")).isEqualByComparingTo("0");
        });
    }

    private static JsonNode awaitEnd(WsTestClient client) {
        var end = new java.util.concurrent.atomic.AtomicReference<JsonNode>();
        holds(Duration.ofSeconds(30), () -> {
            Optional<JsonNode> found = client.frames().stream()
                    .filter(f -> List.of("stream_complete", "stream_error").contains(f.path("event").asText())).findFirst();
            assertThat(found).as("the end of a stream").isPresent();
            end.set(found.get());
        });
        return end.get();
    }

    @Test
    void a_key_revoked_through_node_b_is_refused_on_node_a_within_the_recheck_interval() throws Exception {
        // given a key, live on node a
        startNodes(2, Map.of("VCTT_AUTH", "keys", "VCTT_KEY_RECHECK_MS", String.valueOf(RECHECK.toMillis())));
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")));
        IssuedKey key;
        try (Database admin = Database.open(settings())) {
            key = new JdbcApiKeyStore(admin.dataSource()).issue("cluster", Optional.empty(), Instant.now());
        }
        try (WsTestClient onA = WsTestClient.connect(
                URI.create("ws://127.0.0.1:" + node('a').port() + "/stream?token=" + key.secret()), null)) {
            onA.send("stream_request", Map.of("message", "while live", "requestId", "live"));
            onA.await("stream_complete", done -> done.path("requestId").asText().equals("live"));

            // when it is revoked with node b's configuration
            var out = new ByteArrayOutputStream();
            var mine = new HashMap<>(env);
            mine.put("VCTT_NODE_ID", "node-b");
            assertThat(AdminCommand.run(new String[] {"keys", "revoke", key.id().value()}, AppConfig.fromEnv(mine),
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();

            // then node a refuses its next request within the interval (plus room for a busy machine)
            holds(Duration.ofSeconds(10), () -> {
                onA.send("stream_request", Map.of("message", "after revocation", "requestId", "probe"));
                assertThat(onA.events("stream_error")).anySatisfy(error ->
                        assertThat(error.path("code").asText()).isEqualTo("UNAUTHORIZED"));
            });
        }
    }

    private DatabaseSettings settings() {
        return new DatabaseSettings(env.get("DATABASE_URL"), env.get("DATABASE_USER"), env.get("DATABASE_PASSWORD"),
                env.get("VCTT_DB_SCHEMA"), 2);
    }

    private BigDecimal sql(String query) {
        try (var connection = DriverManager.getConnection(env.get("DATABASE_URL")
                + (env.get("DATABASE_URL").contains("?") ? "&" : "?") + "currentSchema=" + env.get("VCTT_DB_SCHEMA"),
                env.get("DATABASE_USER"), env.get("DATABASE_PASSWORD"));
             var statement = connection.createStatement();
             var rows = statement.executeQuery(query)) {
            assertThat(rows.next()).as(query).isTrue();
            return rows.getBigDecimal(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
