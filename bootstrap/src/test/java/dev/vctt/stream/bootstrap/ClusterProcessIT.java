package dev.vctt.stream.bootstrap;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Three packaged servers as processes of their own on one PostgreSQL schema, and a node killed with
 * {@code kill -9} while it runs a hundred streams.
 */
class ClusterProcessIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration LEASE = Duration.ofMillis(2000);
    private static final int STREAMS = 100;
    private static final Pattern TAKEN = Pattern.compile("(\\d+) session\\(s\\) left running by a server that is gone");

    private Map<String, String> env;

    @Test
    void kill_9_of_a_node_with_a_hundred_live_streams_leaves_them_interrupted_billed_once_and_resumable_on_the_others()
            throws Exception {
        try (var openai = SseReplayServer.start()) {
            // slow enough that every stream is still running when its node dies
            openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofSeconds(2)));
            env = TestEnvironment.of(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(), "VCTT_ROUTES", "*=gpt-4o",
                    "VCTT_LEASE_MS", String.valueOf(LEASE.toMillis()), "VCTT_CHUNK_LOG_FLUSH_MS", "50",
                    "VCTT_MAX_STREAMS_PER_CONNECTION", String.valueOf(STREAMS),
                    "VCTT_MAX_PENDING_PER_CONNECTION", String.valueOf(STREAMS), "VCTT_DB_POOL_SIZE", "6"));
            List<String> ids = new ArrayList<>();
            try (var a = node("node-a"); var b = node("node-b"); var c = node("node-c")) {
                a.awaitHealthy(START);
                b.awaitHealthy(START);
                c.awaitHealthy(START);
                try (WsTestClient onA = WsTestClient.connect(a.port)) {
                    for (int i = 0; i < STREAMS; i++) {
                        onA.send("stream_request", Map.of("message", "What is the capital of France?", "requestId", "r" + i));
                    }
                    holds(Duration.ofSeconds(60), () -> assertThat(onA.events("stream_start")).hasSize(STREAMS));
                    onA.events("stream_start").forEach(start -> ids.add(start.path("sessionId").asText()));
                    // every stream has something in the shared log before the kill
                    holds(Duration.ofSeconds(60), () -> assertThat(
                            sql("select count(distinct session_id) from chunk_batches")).isEqualByComparingTo("100"));

                    // when node a dies without a word
                    a.kill();
                }
                long killedAt = System.nanoTime();

                // then nodes b and c mark all hundred interrupted within a few leases, between them once each
                holds(Duration.ofSeconds(60), () -> assertThat(
                        sql("select count(*) from sessions where status = 'interrupted'")).isEqualByComparingTo("100"));
                Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
                holds(() -> assertThat(taken(b.log()) + taken(c.log())).isEqualTo(STREAMS));
                holds(() -> {
                    assertThat(sql("select count(*) from spend_ledger")).isEqualByComparingTo("100");
                    assertThat(sql("select count(distinct session_id) from spend_ledger")).isEqualByComparingTo("100");
                    assertThat(sql("select count(*) from reservations where settled_at is null")).isEqualByComparingTo("0");
                });
                System.out.printf("100 streams of a killed node interrupted %d ms after the kill (lease %d ms)%n",
                        took.toMillis(), LEASE.toMillis());

                // and a resume on node b replays what node a had stored, then the end
                try (WsTestClient onB = WsTestClient.connect(b.port)) {
                    onB.send("stream_resume", Map.of("sessionId", ids.getFirst(), "fromIndex", 0));
                    JsonNode end = onB.await("stream_complete");
                    assertThat(end.path("finishReason").asText()).isEqualTo("interrupted");
                    String replayed = String.join("", onB.events("stream_chunk").stream()
                            .map(chunk -> chunk.path("chunk").asText()).toList());
                    assertThat(replayed).isNotEmpty().isEqualTo(end.path("fullText").asText());
                }

                // and node a, back, touches none of them
                try (var back = node("node-a")) {
                    back.awaitHealthy(START);
                    assertThat(taken(back.log())).isZero();
                    assertThat(sql("select count(*) from spend_ledger")).isEqualByComparingTo("100");
                    assertThat(sql("select count(*) from sessions where status = 'interrupted'")).isEqualByComparingTo("100");
                }
            }
        }
    }

    private ServerProcess node(String id) {
        var mine = new HashMap<>(env);
        mine.put("VCTT_NODE_ID", id);
        mine.remove("PORT");
        return ServerProcess.start(mine);
    }

    /** How many sessions a node's log says it took over. */
    private static int taken(String log) {
        Matcher matcher = TAKEN.matcher(log);
        int total = 0;
        while (matcher.find()) {
            total += Integer.parseInt(matcher.group(1));
        }
        return total;
    }

    private BigDecimal sql(String query) {
        return TestEnvironment.number(env, query);
    }
}
