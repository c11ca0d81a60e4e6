package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.application.testing.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole server (embedded PostgreSQL, the chunk log, the grace) with an OpenAI-compatible replay
 * server upstream and real WebSocket clients: resume while running, after the end from the database,
 * and a disconnect nobody resumes.
 */
class StreamResumeEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CHUNKS = 200;

    private final SseReplayServer openai = SseReplayServer.start();
    private ServerApp app;

    private void start(Map<String, String> extra) {
        var env = new HashMap<>(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(), "OPENAI_API_KEY", "sk-e2e",
                "VCTT_CHUNK_LOG_FLUSH_MS", "50"));
        env.putAll(extra);
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(env)), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        openai.close();
    }

    private WsTestClient client() {
        return WsTestClient.connect(app.port());
    }

    static String piece(int i) {
        return (i % 13 == 0 ? "ü" : "w") + i + (i % 9 == 0 ? "\n" : " ");
    }

    static String fullText() {
        return IntStream.range(0, CHUNKS).mapToObj(StreamResumeEndToEndIT::piece).collect(Collectors.joining());
    }

    /** An OpenAI Chat Completions stream of {@link #CHUNKS} text deltas, then usage and [DONE]. */
    static String longAnswer() {
        var sse = new StringBuilder();
        sse.append(event("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
        for (int i = 0; i < CHUNKS; i++) {
            sse.append(event("{\"content\":" + quote(piece(i)) + "}", "null"));
        }
        sse.append(event("{}", "\"stop\""));
        sse.append("data: {\"id\":\"c-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + CHUNKS + ",\"total_tokens\":" + (CHUNKS + 12) + "}}\n\n");
        sse.append("data: [DONE]\n\n");
        return sse.toString();
    }

    private static String event(String delta, String finish) {
        return "data: {\"id\":\"c-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void a_client_cut_mid_stream_resumes_on_a_new_socket_and_gets_the_rest_then_the_end() {
        start(Map.of());
        for (int k : List.of(0, 17, 99, 150, 198)) {
            openai.enqueue(Reply.sse(longAnswer()).inWritesOf(300).pacedBy(Duration.ofMillis(2)));
            WsTestClient first = client();
            first.send("stream_request", Map.of("message", "Tell me a long story"));
            JsonNode cut = first.await("stream_chunk", c -> c.path("index").asInt() >= k);
            String sessionId = cut.path("sessionId").asText();
            first.abort();
            List<JsonNode> held = first.events("stream_chunk");
            int holds = held.getLast().path("index").asInt() + 1;

            try (WsTestClient second = client()) {
                second.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", holds));
                JsonNode complete = second.await("stream_complete");

                List<JsonNode> rest = second.events("stream_chunk");
                assertThat(indexes(held)).isEqualTo(IntStream.range(0, holds).boxed().toList());
                assertThat(indexes(rest)).as("resumed at %d", holds).isEqualTo(IntStream.range(holds, CHUNKS).boxed().toList());
                assertThat(text(held) + text(rest)).isEqualTo(fullText());
                assertThat(complete.path("fullText").asText()).isEqualTo(fullText());
                assertThat(complete.path("finishReason").asText()).isEqualTo("stop");
            }
        }
    }

    @Test
    void a_resume_after_the_stream_left_memory_replays_it_from_the_database_with_the_same_end() {
        start(Map.of("VCTT_RESUME_LINGER_MS", "1"));
        openai.enqueue(Reply.sse(longAnswer()));
        JsonNode original;
        String sessionId;
        try (WsTestClient first = client()) {
            first.send("stream_request", Map.of("message", "Tell me a long story", "requestId", "r-db"));
            original = first.await("stream_complete");
            sessionId = original.path("sessionId").asText();
        }
        assertThat(becomes(() -> json(get("/api/sessions/" + sessionId)).path("status").asText().equals("completed")))
                .isTrue();

        try (WsTestClient later = client()) {
            later.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", 5));
            JsonNode replayed = later.await("stream_complete");

            List<JsonNode> chunks = later.events("stream_chunk");
            assertThat(indexes(chunks)).isEqualTo(IntStream.range(5, CHUNKS).boxed().toList());
            assertThat(text(chunks)).isEqualTo(fullText().substring(piecesLength(5)));
            for (String field : List.of("sessionId", "fullText", "totalTokens", "inputTokens", "outputTokens", "totalCost",
                    "model", "finishReason", "fallbackUsed", "requestId", "usageEstimated")) {
                assertThat(replayed.path(field)).as(field).isEqualTo(original.path(field));
            }
        }
    }

    @Test
    void a_client_that_leaves_and_never_resumes_is_cancelled_upstream_after_the_grace_and_billed_once() {
        start(Map.of("VCTT_RESUME_GRACE_MS", "1500"));
        openai.enqueue(Reply.sse(longAnswer()).inWritesOf(200).pacedBy(Duration.ofMillis(100)));
        WsTestClient client = client();
        client.send("stream_request", Map.of("message", "Tell me a long story"));
        String sessionId = client.await("stream_chunk").path("sessionId").asText();
        long leftAt = System.nanoTime();

        client.abort();

        assertThat(openai.awaitAbandonedByClient(WAIT)).as("upstream connection closed").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - leftAt)).as("not before the grace")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(becomes(() -> json(get("/api/sessions/" + sessionId)).path("status").asText().equals("cancelled")))
                .isTrue();
        JsonNode session = json(get("/api/sessions/" + sessionId));
        assertThat(session.path("cost").decimalValue()).isPositive();
        JsonNode stats = json(get("/api/stats"));
        assertThat(stats.path("total").path("sessions").asInt()).isEqualTo(1);
        assertThat(stats.path("total").path("spend").decimalValue()).isEqualByComparingTo(session.path("cost").decimalValue());
    }

    @Test
    void a_stream_that_asks_to_be_cancelled_on_disconnect_stops_upstream_at_once() {
        start(Map.of("VCTT_RESUME_GRACE_MS", "600000"));
        openai.enqueue(Reply.sse(longAnswer()).inWritesOf(200).pacedBy(Duration.ofMillis(100)));
        WsTestClient client = client();
        client.send("stream_request", Map.of("message", "Tell me a long story", "onDisconnect", "cancel"));
        client.await("stream_chunk");

        client.abort();

        assertThat(openai.awaitAbandonedByClient(WAIT)).as("upstream connection closed").isTrue();
    }

    private static int piecesLength(int upTo) {
        return IntStream.range(0, upTo).map(i -> piece(i).length()).sum();
    }

    private static List<Integer> indexes(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.path("index").asInt()).toList();
    }

    private static String text(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.path("chunk").asText()).collect(Collectors.joining());
    }

    private static boolean becomes(BooleanSupplier condition) {
        try {
            Eventually.becomes(condition);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    private String get(String path) {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
