package dev.vctt.stream.bootstrap;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.persistence.Database;
import dev.vctt.stream.adapters.persistence.apikey.JdbcApiKeyStore;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.cost.Usd;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three packaged servers, each a process of its own on one PostgreSQL schema, behind a round-robin
 * TCP balancer without sticky sessions: resume, cancel, budget and revocation across processes.
 * The nodes start once for the class (a start costs seconds); every scenario has its own API key,
 * so none sees another's sessions, budget or revocation.
 */
class BalancedClusterProcessIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String QUESTION = "Explain quantum computing";
    // the question on gpt-4o: 9 tokens in (3 + framing), at most 100 out: 9 × $2.50/M + 100 × $10/M
    private static final BigDecimal WORST_CASE = new BigDecimal("0.0010225");
    private static final Duration RECHECK = Duration.ofMillis(300);

    private static SseReplayServer openai;
    private static Map<String, String> env;
    private static final List<ServerProcess> nodes = new ArrayList<>();
    private static RoundRobinBalancer balancer;

    @BeforeAll
    static void three_nodes_behind_a_balancer() {
        openai = SseReplayServer.start();
        env = TestEnvironment.of(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(), "VCTT_ROUTES", "*=gpt-4o",
                "VCTT_AUTH", "keys", "VCTT_KEY_RECHECK_MS", String.valueOf(RECHECK.toMillis()),
                "VCTT_CHUNK_LOG_FLUSH_MS", "50"));
        // started together, awaited together: the three starts overlap
        for (String name : List.of("node-a", "node-b", "node-c")) {
            nodes.add(ServerProcess.start(nodeEnv(name)));
        }
        nodes.forEach(node -> node.awaitHealthy(START));
        balancer = RoundRobinBalancer.start(nodes.stream().map(node -> node.port).toList());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (balancer != null) {
            balancer.close();
        }
        for (ServerProcess node : nodes) {
            node.close();
        }
        openai.close();
    }

    @BeforeEach
    void forget_the_provider_calls_of_other_scenarios() {
        openai.reset();
    }

    private static Map<String, String> nodeEnv(String name) {
        var mine = new HashMap<>(env);
        mine.put("VCTT_NODE_ID", name);
        // the fixture picks a free port it knows: PORT=0 would hide it
        mine.remove("PORT");
        return mine;
    }

    @Test
    void a_client_cut_on_one_node_resumes_through_the_balancer_on_another_while_it_streams_and_on_a_third_after_it_ended() {
        // given a paced stream (eleven events: over four seconds, time to resume while it runs even on a
        // busy machine), and a client that got its first chunks through the balancer then lost its node
        IssuedKey key = issue("resume", Optional.empty());
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(400)));
        String sessionId;
        int streaming;
        List<String> held = new ArrayList<>();
        try (WsTestClient first = throughBalancer(key)) {
            streaming = balancer.lastBackend();
            first.send("stream_request", Map.of("message", QUESTION));
            sessionId = first.await("stream_start").path("sessionId").asText();
            int cut = new Random().nextInt(4); // openai-basic.sse has seven chunks
            first.await("stream_chunk", chunk -> chunk.path("index").asInt() == cut);
            first.stopReading();
            first.events("stream_chunk").forEach(chunk -> held.add(chunk.path("chunk").asText()));
            first.abort();
        }
        // the node that runs it has stored its start and still streams
        holds(() -> assertThat(status(sessionId)).isEqualTo("running"));

        // when it reconnects through the balancer, which sends it to the next node, and resumes there
        try (WsTestClient second = throughBalancer(key)) {
            assertThat(balancer.lastBackend()).as("resumed on another node").isNotEqualTo(streaming);
            second.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", held.size()));
            JsonNode end = awaitEvent(second, "stream_complete");

            // then it gets the rest, each index once, and the whole answer
            List<JsonNode> rest = second.events("stream_chunk");
            assertThat(second.events("stream_error")).isEmpty();
            assertThat(rest).extracting(chunk -> chunk.path("index").asInt())
                    .containsExactlyElementsOf(IntStream.range(held.size(), held.size() + rest.size()).boxed().toList());
            var text = new StringBuilder(String.join("", held));
            rest.forEach(chunk -> text.append(chunk.path("chunk").asText()));
            assertThat(text.toString()).isEqualTo(end.path("fullText").asText()).isEqualTo("The capital of France is Paris.");
        }

        // and again through the balancer, on the third node, once the stream has ended where it ran
        holds(WAIT, () -> assertThat(status(sessionId)).isEqualTo("completed"));
        try (WsTestClient third = throughBalancer(key)) {
            assertThat(balancer.routes().subList(balancer.routes().size() - 3, balancer.routes().size()))
                    .as("three connections, three nodes").doesNotHaveDuplicates();
            // held.getFirst() is chunk 0: this client holds one chunk
            third.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", 1));
            JsonNode end = awaitEvent(third, "stream_complete");
            var text = new StringBuilder(held.getFirst());
            third.events("stream_chunk").forEach(chunk -> text.append(chunk.path("chunk").asText()));
            assertThat(text.toString()).isEqualTo(end.path("fullText").asText()).isEqualTo("The capital of France is Paris.");
        }
    }

    @Test
    void a_cancel_sent_to_node_c_closes_the_upstream_of_the_stream_on_node_a_and_how_soon_beside_a_local_one() {
        // given one caller connected to node a and to node c, and answers slow enough to be cancelled mid-way
        IssuedKey key = issue("cancel", Optional.empty());
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(250)));
        int rounds = 20;
        var remote = new ArrayList<Long>();
        var local = new ArrayList<Long>();
        try (WsTestClient onA = direct(nodes.get(0), key); WsTestClient onC = direct(nodes.get(2), key)) {
            // when it cancels a stream of node a through node c, and through node a, alternately
            for (int round = 0; round < rounds; round++) {
                remote.add(cancelRound(onA, onC, "remote" + round));
                local.add(cancelRound(onA, onA, "local" + round));
            }
            // then node c answered every cancel without an error (each was seen at the provider above)
            assertThat(onC.events("stream_error")).isEmpty();
        }
        // measured, not asserted: a timing is no test on a shared machine
        System.out.printf("stream_cancel, %d rounds each, from sending it to the upstream seen closed at the provider:%n"
                + "  sent to node c, stream on node a (another process): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n"
                + "  sent to node a, stream on node a (local):           p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                rounds, Percentiles.ms(remote, 50), Percentiles.ms(remote, 99), Percentiles.ms(remote, 100),
                Percentiles.ms(local, 50), Percentiles.ms(local, 99), Percentiles.ms(local, 100));
    }

    /** Nanoseconds from sending {@code stream_cancel} through {@code via} to the provider seeing the upstream closed. */
    private long cancelRound(WsTestClient onA, WsTestClient via, String requestId) {
        onA.send("stream_request", Map.of("message", QUESTION, "requestId", requestId));
        String sessionId = onA.await("stream_start", start -> start.path("requestId").asText().equals(requestId))
                .path("sessionId").asText();
        // the upstream is open once a chunk came through it, and node c checks the cancel against the
        // shared store: wait until the start is written there
        onA.await("stream_chunk", chunk -> chunk.path("sessionId").asText().equals(sessionId));
        holds(() -> assertThat(status(sessionId)).isEqualTo("running"));

        long sent = System.nanoTime();
        via.send("stream_cancel", Map.of("sessionId", sessionId));
        OptionalLong closed = openai.awaitAbandonment(WAIT);

        assertThat(closed).as("%s: the upstream closed at the provider", requestId).isPresent();
        JsonNode end = awaitEvent(onA, "stream_complete", done -> done.path("sessionId").asText().equals(sessionId));
        assertThat(end.path("finishReason").asText()).isEqualTo("cancelled");
        return closed.getAsLong() - sent;
    }

    @Test
    void fifty_concurrent_requests_through_the_balancer_against_a_key_budget_for_twenty_run_exactly_twenty() {
        // given a key whose daily budget fits twenty worst cases, and answers slow enough that none ends early
        IssuedKey key = issue("budget", Optional.of(Usd.of(WORST_CASE.multiply(BigDecimal.valueOf(20))
                .add(new BigDecimal("0.0005")))));
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(250)));

        // when fifty clients connect through the balancer, which spreads them over the three nodes, and ask at once
        int before = balancer.routes().size();
        var clients = new ArrayList<WsTestClient>();
        for (int i = 0; i < 50; i++) {
            clients.add(throughBalancer(key));
        }
        List<Integer> routes = balancer.routes().subList(before, before + 50);
        for (int i = 0; i < 50; i++) {
            clients.get(i).send("stream_request", Map.of("message", QUESTION, "maxTokens", 100, "requestId", "r" + i));
        }

        // then exactly twenty ran, the nodes refusing the rest once the shared budget was taken
        var completedByNode = new TreeMap<Integer, Integer>();
        int completed = 0;
        int refused = 0;
        for (int i = 0; i < 50; i++) {
            JsonNode end = awaitEnd(clients.get(i), "r" + i);
            if (end.path("event").asText().equals("stream_complete")) {
                completed++;
                completedByNode.merge(routes.get(i), 1, Integer::sum);
            } else {
                refused++;
                assertThat(end.path("data").path("code").asText()).isEqualTo("BUDGET_EXCEEDED");
            }
            clients.get(i).close();
        }
        System.out.printf("50 requests over nodes (port: connections) %s, completed per node %s%n",
                countByPort(routes), completedByNode);
        assertThat(countByPort(routes).values()).as("spread over the three nodes").containsOnly(16L, 17L).hasSize(3);
        assertThat(completed).isEqualTo(20);
        assertThat(refused).isEqualTo(30);
        assertThat(openai.requests()).hasSize(20);
        holds(WAIT, () -> {
            assertThat(number("select count(distinct session_id) from spend_ledger where api_key_id = '"
                    + key.id().value() + "'")).isEqualByComparingTo("20");
            assertThat(number("select reserved_usd from budget_days where account = 'key:" + key.id().value() + "'"))
                    .isEqualByComparingTo("0");
        });
    }

    @Test
    void a_key_revoked_with_node_b_s_configuration_is_refused_on_node_a_within_the_recheck_interval() {
        // given a key, live on node a and on node b
        IssuedKey key = issue("revoked", Optional.empty());
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")));
        try (WsTestClient onA = direct(nodes.get(0), key); WsTestClient onB = direct(nodes.get(1), key)) {
            for (WsTestClient client : List.of(onA, onB)) {
                client.send("stream_request", Map.of("message", "while live", "requestId", "live"));
                assertThat(awaitEnd(client, "live").path("event").asText()).isEqualTo("stream_complete");
            }

            // when an operator revokes it with node b's configuration (the command line, a process of its own)
            ServerProcess.Command revoked = ServerProcess.run(nodeEnv("node-b"), Duration.ofMinutes(2),
                    "keys", "revoke", key.id().value());
            long revokedAt = System.nanoTime();
            assertThat(revoked.exitCode()).as(revoked.err()).isZero();
            assertThat(revoked.out()).contains("key " + key.id().value() + " revoked");

            // then node a refuses its next request within the interval (plus room for a busy machine),
            // one probe at a time so that none is left streaming
            var probes = new AtomicInteger();
            holds(Duration.ofSeconds(10), () -> {
                String probe = "probe" + probes.incrementAndGet();
                onA.send("stream_request", Map.of("message", "after revocation", "requestId", probe));
                JsonNode end = awaitEnd(onA, probe);
                assertThat(end.path("data").path("code").asText()).isEqualTo("UNAUTHORIZED");
            });
            System.out.printf("a key revoked through node b's configuration was refused on node a %d ms after the"
                    + " command returned (recheck every %d ms), after %d probe(s)%n",
                    Duration.ofNanos(System.nanoTime() - revokedAt).toMillis(), RECHECK.toMillis(), probes.get());
        }
    }

    private static IssuedKey issue(String name, Optional<Usd> dailyBudget) {
        try (Database admin = Database.open(TestEnvironment.database(env))) {
            return new JdbcApiKeyStore(admin.dataSource()).issue(name, dailyBudget, Instant.now());
        }
    }

    private static WsTestClient throughBalancer(IssuedKey key) {
        return WsTestClient.connect(URI.create("ws://127.0.0.1:" + balancer.port() + "/stream?token=" + key.secret()), null);
    }

    private static WsTestClient direct(ServerProcess node, IssuedKey key) {
        return WsTestClient.connect(URI.create("ws://127.0.0.1:" + node.port + "/stream?token=" + key.secret()), null);
    }

    /** The first {@code stream_complete} or {@code stream_error} of that request, whole ({@code event}, {@code data}). */
    private static JsonNode awaitEnd(WsTestClient client, String requestId) {
        var end = new AtomicReference<JsonNode>();
        holds(WAIT, () -> {
            Optional<JsonNode> found = client.frames().stream()
                    .filter(f -> List.of("stream_complete", "stream_error").contains(f.path("event").asText()))
                    .filter(f -> f.path("data").path("requestId").asText().equals(requestId)).findFirst();
            assertThat(found).as("the end of " + requestId).isPresent();
            end.set(found.get());
        });
        return end.get();
    }

    /** The data of the first event of that name, waiting longer than the client's own 10 s: the machine is busy. */
    private static JsonNode awaitEvent(WsTestClient client, String event) {
        return awaitEvent(client, event, data -> true);
    }

    private static JsonNode awaitEvent(WsTestClient client, String event, Predicate<JsonNode> matching) {
        var found = new AtomicReference<JsonNode>();
        holds(WAIT, () -> {
            Optional<JsonNode> first = client.events(event).stream().filter(matching).findFirst();
            assertThat(first).as(event).isPresent();
            found.set(first.get());
        });
        return found.get();
    }

    private static Map<Integer, Long> countByPort(List<Integer> routes) {
        var counts = new TreeMap<Integer, Long>();
        routes.forEach(port -> counts.merge(port, 1L, Long::sum));
        return counts;
    }

    private static String status(String sessionId) {
        return TestEnvironment.scalar(env, "select coalesce(max(status), 'none') from sessions where id = '" + sessionId + "'");
    }

    private static BigDecimal number(String query) {
        return TestEnvironment.number(env, query);
    }
}
