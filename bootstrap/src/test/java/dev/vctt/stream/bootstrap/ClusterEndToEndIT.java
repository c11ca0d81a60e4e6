package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.application.testing.BusyCarriers;
import dev.vctt.stream.application.testing.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Servers in one JVM on one PostgreSQL schema, each on its own port: what each node reports about
 * itself, and a cancel for nothing. Resume, cancel, budget and revocation across nodes run against
 * separate processes behind a balancer ({@code BalancedClusterProcessIT}).
 */
class ClusterEndToEndIT {

    private static final String QUESTION = "Explain quantum computing";

    private final SseReplayServer openai = SseReplayServer.start();
    private final List<ServerApp> nodes = new ArrayList<>();

    private void startNodes(int count) {
        Map<String, String> env = TestEnvironment.of(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(),
                "VCTT_ROUTES", "*=gpt-4o"));
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
    void each_node_reports_its_name_the_streams_it_owns_and_its_lag_in_health_and_metrics() throws Exception {
        // given a stream running on node a
        startNodes(2);
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

    @Test
    void a_node_renews_its_lease_while_every_carrier_of_virtual_threads_is_busy() throws Exception {
        // given a node on a short lease (renewed every 200 ms)
        nodes.add(ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("OPENAI_BASE_URL",
                openai.baseUrl().toString(), "VCTT_ROUTES", "*=gpt-4o", "VCTT_NODE_ID", "node-a",
                "VCTT_LEASE_MS", "600"))), Clock.systemUTC()));

        // when no virtual thread can run, as in a server saturated with streams
        try (var ignored = BusyCarriers.all()) {
            long busySince = System.nanoTime();

            // then the heartbeat is not one of them: the lease is renewed after they were all taken
            Eventually.becomes(() -> {
                long busyForMs = Duration.ofNanos(System.nanoTime() - busySince).toMillis();
                return lagMs(node('a')) < busyForMs;
            });
        }
    }

    private static long lagMs(ServerApp node) {
        try {
            return httpJson(node.port(), "/health").path("node").path("lagMs").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_cancel_for_no_running_stream_is_not_found_on_any_node() {
        startNodes(2);
        try (WsTestClient onB = WsTestClient.connect(node('b').port())) {
            onB.send("stream_cancel", Map.of("sessionId", "no-such-stream"));

            assertThat(onB.await("stream_error").path("code").asText()).isEqualTo("STREAM_NOT_FOUND");
        }
    }

    private static String http(int port, String path) throws Exception {
        try (var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static JsonNode httpJson(int port, String path) throws Exception {
        return new ObjectMapper().readTree(http(port, path));
    }
}
