package dev.vctt.stream.adapters.websocket.nativeprotocol;

import static dev.vctt.stream.application.testing.TestCatalog.GPT_4O;
import static dev.vctt.stream.application.testing.Eventually.becomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vctt.stream.adapters.websocket.WebServer;
import dev.vctt.stream.adapters.websocket.WebServerSettings;
import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.adapters.websocket.testing.TestWebServer;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.service.CountActiveStreamsService;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.ScriptedLlmProvider;
import dev.vctt.stream.application.testing.ScriptedStream;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.session.FinishReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NativeStreamEndpointIT {

    private static final int MAX_FRAME = 4096;

    private final ScriptedLlmProvider provider = new ScriptedLlmProvider();
    private final ActiveStreams active = new ActiveStreams(3);
    private final CountActiveStreamsService streams = new CountActiveStreamsService(active);
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final MicrometerStreamMetrics metrics = new MicrometerStreamMetrics();
    private WebServer server;

    @BeforeEach
    void start_server() {
        server = TestWebServer.start(new WebServerSettings("127.0.0.1", 0, new ConnectionLimits(MAX_FRAME, 8192, 4),
                List.of("https://app.example.com"), Duration.ofMillis(200)), new RequestLimits(2000, 1000, 5, 10_000, 4096),
                provider, active, AuthenticateClientService.open(), sessions, metrics);
    }

    @AfterEach
    void stop_server() {
        server.close();
    }

    private WsTestClient connect() {
        return WsTestClient.connect(server.port());
    }

    private static Map<String, Object> request(String message) {
        return Map.of("message", message, "agentRole", "analyst", "requestId", "r-1");
    }

    @Test
    void streams_start_chunks_and_complete_with_the_documented_fields() {
        try (WsTestClient client = connect()) {
            client.send("stream_request", request("Explain quantum computing"));
            ScriptedStream call = provider.nextCall();
            call.delta("Quantum").delta(" bits").usage(12, 2).complete(FinishReason.STOP);

            JsonNode start = client.await("stream_start");
            JsonNode complete = client.await("stream_complete");
            List<JsonNode> chunks = client.events("stream_chunk");

            assertThat(fieldNames(start)).containsExactly("sessionId", "model", "agentRole", "requestId", "timestamp");
            assertThat(start.path("model").asText()).isEqualTo("gpt-4o");
            assertThat(start.path("agentRole").asText()).isEqualTo("analyst");
            assertThat(start.path("requestId").asText()).isEqualTo("r-1");
            assertThat(start.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z");

            assertThat(chunks).hasSize(2);
            assertThat(fieldNames(chunks.getFirst())).containsExactly("sessionId", "index", "chunk", "model", "tokensUsed",
                    "estimatedCost", "timestamp");
            assertThat(chunks).extracting(c -> c.path("index").asInt()).containsExactly(0, 1);
            assertThat(chunks).extracting(c -> c.path("chunk").asText()).containsExactly("Quantum", " bits");
            assertThat(chunks).extracting(c -> c.path("tokensUsed").asInt()).containsExactly(2, 3);
            assertThat(chunks.getFirst().path("estimatedCost").isNumber()).isTrue();
            assertThat(chunks.getFirst().path("estimatedCost").decimalValue()).isEqualByComparingTo("0.0000375");

            assertThat(fieldNames(complete)).containsExactly("sessionId", "fullText", "totalTokens", "inputTokens",
                    "outputTokens", "totalCost", "usageEstimated", "latencyMs", "firstTokenMs", "model", "finishReason",
                    "fallbackUsed", "steps", "toolCalls", "modelsTried", "requestId", "timestamp");
            assertThat(complete.path("modelsTried").toString()).isEqualTo("[{\"model\":\"gpt-4o\",\"outcome\":\"completed\"}]");
            assertThat(complete.path("fullText").asText()).isEqualTo("Quantum bits");
            assertThat(complete.path("totalTokens").asInt()).isEqualTo(14);
            assertThat(complete.path("totalCost").decimalValue()).isEqualByComparingTo("0.00005");
            assertThat(complete.path("finishReason").asText()).isEqualTo("stop");
            assertThat(complete.path("fallbackUsed").asBoolean()).isFalse();
            assertThat(complete.path("usageEstimated").asBoolean()).isFalse();
            assertThat(client.frames()).extracting(f -> f.path("event").asText())
                    .containsExactly("stream_start", "stream_chunk", "stream_chunk", "stream_complete");
        }
    }

    @Test
    void sending_frames_wakes_no_tyrus_timer_thread() {
        // Tyrus 2.2 schedules an idle check on its timer pool per frame unless the idle timeout is negative;
        // that pool's threads exist only once something was scheduled on it
        try (WsTestClient client = connect()) {
            client.send("stream_request", request("Explain quantum computing"));
            ScriptedStream call = provider.nextCall();
            for (int i = 0; i < 20; i++) {
                call.delta("tok ");
            }
            call.usage(12, 20).complete(FinishReason.STOP);

            client.await("stream_complete");
            assertThat(client.events("stream_chunk")).hasSize(20);
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .noneMatch(name -> name.matches("tyrus-\\d+-thread-\\d+"));
        }
    }

    static Stream<Arguments> bad_frames() {
        return Stream.of(
                Arguments.of("not JSON", "{\"event\": stream_request", "BAD_JSON", "not valid JSON"),
                Arguments.of("a JSON array", "[\"stream_request\", {}]", "BAD_JSON", "JSON object"),
                Arguments.of("no event name", "{\"data\": {\"message\": \"hi\"}}", "BAD_JSON", "name its event"),
                Arguments.of("an unknown event", "{\"event\": \"stream_teleport\", \"data\": {}}", "UNKNOWN_EVENT", "stream_teleport"),
                Arguments.of("a request without data", "{\"event\": \"stream_request\"}", "VALIDATION_ERROR", "data: must be an object"),
                Arguments.of("a blank message", "{\"event\": \"stream_request\", \"data\": {\"message\": \"  \"}}", "VALIDATION_ERROR", "message: must not be blank"),
                Arguments.of("a temperature as text", "{\"event\": \"stream_request\", \"data\": {\"message\": \"hi\", \"temperature\": \"hot\"}}", "VALIDATION_ERROR", "temperature: must be a number"),
                Arguments.of("a temperature out of range", "{\"event\": \"stream_request\", \"data\": {\"message\": \"hi\", \"temperature\": 2.5}}", "VALIDATION_ERROR", "temperature: must be between 0 and 2"),
                Arguments.of("an unknown role", "{\"event\": \"stream_request\", \"data\": {\"message\": \"hi\", \"agentRole\": \"oracle\"}}", "VALIDATION_ERROR", "agentRole: must be one of"),
                Arguments.of("a history that is no list", "{\"event\": \"stream_request\", \"data\": {\"message\": \"hi\", \"history\": \"x\"}}", "VALIDATION_ERROR", "history: must be an array"),
                Arguments.of("too much history", "{\"event\": \"stream_request\", \"data\": {\"message\": \"hi\", \"history\": [" + "{\"role\":\"user\",\"content\":\"a\"},".repeat(5) + "{\"role\":\"user\",\"content\":\"a\"}]}}", "VALIDATION_ERROR", "history: must have at most 5 entries"),
                Arguments.of("a message over its limit", "{\"event\": \"stream_request\", \"data\": {\"message\": \"" + "x".repeat(2001) + "\"}}", "VALIDATION_ERROR", "message: must be at most 2000 characters"),
                Arguments.of("a frame over the frame limit", "{\"event\": \"stream_request\", \"data\": {\"message\": \"" + "é".repeat(MAX_FRAME / 2) + "\"}}", "MESSAGE_TOO_LARGE", "at most 4096 bytes"),
                Arguments.of("a cancel without session", "{\"event\": \"stream_cancel\", \"data\": {}}", "VALIDATION_ERROR", "sessionId: is required"),
                Arguments.of("a cancel of an unknown stream", "{\"event\": \"stream_cancel\", \"data\": {\"sessionId\": \"nope\"}}", "STREAM_NOT_FOUND", "nope"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("bad_frames")
    void a_bad_frame_gets_its_error_code_and_the_connection_still_streams(String name, String frame, String code,
                                                                          String message) {
        try (WsTestClient client = connect()) {
            client.sendRaw(frame);

            JsonNode error = client.await("stream_error");
            assertThat(error.path("code").asText()).isEqualTo(code);
            assertThat(error.path("error").asText()).contains(message);
            assertThat(error.path("retryable").asBoolean()).isFalse();
            assertThat(error.path("timestamp").isTextual()).isTrue();

            client.send("stream_request", request("still there?"));
            provider.nextCall().delta("yes").complete(FinishReason.STOP);
            assertThat(client.await("stream_complete").path("fullText").asText()).isEqualTo("yes");
            assertThat(provider.callCount()).isEqualTo(1);
        }
    }

    @Test
    void a_binary_frame_is_refused_and_the_connection_stays_usable() {
        try (WsTestClient client = connect()) {
            client.sendBinary(new byte[] {1, 2, 3});

            assertThat(client.await("stream_error").path("code").asText()).isEqualTo("UNSUPPORTED_FRAME");
            client.send("stream_request", request("text then"));
            provider.nextCall().delta("ok").complete(FinishReason.STOP);
            assertThat(client.await("stream_complete").path("fullText").asText()).isEqualTo("ok");
        }
    }

    @Test
    void a_frame_beyond_the_transport_limit_closes_the_connection() {
        try (WsTestClient client = connect()) {
            client.sendRaw("{\"event\":\"stream_request\",\"data\":{\"message\":\"" + "x".repeat(MAX_FRAME * 5) + "\"}}");

            assertThat(client.awaitClose()).isIn(1009, 1011);
        }
    }

    @Test
    void concurrent_streams_on_one_connection_are_told_apart_by_session_id() {
        try (WsTestClient client = connect()) {
            client.send("stream_request", Map.of("message", "first", "requestId", "a"));
            client.send("stream_request", Map.of("message", "second", "requestId", "b"));
            ScriptedStream one = provider.nextCall();
            ScriptedStream two = provider.nextCall();
            String idOne = client.await("stream_start", s -> s.path("requestId").asText()
                    .equals(one.request().conversation().getLast().content().equals("first") ? "a" : "b")).path("sessionId").asText();
            String idTwo = client.await("stream_start", s -> !s.path("sessionId").asText().equals(idOne)).path("sessionId").asText();

            one.delta("1a");
            two.delta("2a");
            one.delta("1b").complete(FinishReason.STOP);
            two.delta("2b").complete(FinishReason.STOP);

            assertThat(client.await("stream_complete", c -> c.path("sessionId").asText().equals(idOne)).path("fullText").asText())
                    .isEqualTo("1a1b");
            assertThat(client.await("stream_complete", c -> c.path("sessionId").asText().equals(idTwo)).path("fullText").asText())
                    .isEqualTo("2a2b");
            assertThat(client.events("stream_chunk").stream().filter(c -> c.path("sessionId").asText().equals(idTwo)))
                    .extracting(c -> c.path("index").asInt()).containsExactly(0, 1);
        }
    }

    @Test
    void more_streams_than_allowed_per_connection_are_refused() {
        try (WsTestClient client = connect()) {
            for (int i = 0; i < 4; i++) {
                client.send("stream_request", Map.of("message", "m" + i, "requestId", "r" + i));
            }
            JsonNode refused = client.await("stream_error");

            assertThat(refused.path("code").asText()).isEqualTo("TOO_MANY_STREAMS");
            assertThat(refused.path("retryable").asBoolean()).isTrue();
            assertThat(client.events("stream_start")).hasSize(3);
        }
    }

    @Test
    void stream_cancel_ends_the_stream_as_cancelled_and_cancels_upstream() {
        try (WsTestClient client = connect()) {
            client.send("stream_request", request("long answer"));
            ScriptedStream call = provider.nextCall();
            call.delta("Once");
            String sessionId = client.await("stream_start").path("sessionId").asText();
            client.await("stream_chunk");

            client.send("stream_cancel", Map.of("sessionId", sessionId));

            JsonNode complete = client.await("stream_complete");
            assertThat(complete.path("finishReason").asText()).isEqualTo("cancelled");
            assertThat(complete.path("fullText").asText()).isEqualTo("Once");
            assertThat(complete.path("usageEstimated").asBoolean()).isTrue();
            assertThat(call.isCancelled()).isTrue();
            assertThat(streams.count()).isZero();
        }
    }

    @Test
    void a_client_that_goes_away_has_its_streams_cancelled_at_once() throws Exception {
        WsTestClient client = connect();
        client.send("stream_request", request("one"));
        client.send("stream_request", request("two"));
        ScriptedStream one = provider.nextCall();
        ScriptedStream two = provider.nextCall();

        client.abort();

        becomes(() -> one.isCancelled() && two.isCancelled() && streams.count() == 0);
        assertThat(server.connections()).isZero();
    }

    @Test
    void a_client_that_stops_reading_is_closed_with_1013_and_its_stream_cancelled() throws Exception {
        try (WsTestClient client = connect()) {
            client.send("stream_request", request("flood me"));
            ScriptedStream call = provider.nextCall();
            client.await("stream_start");
            client.stopReading();
            Runtime runtime = Runtime.getRuntime();
            System.gc();
            long before = runtime.totalMemory() - runtime.freeMemory();

            String kilobyte = "x".repeat(1024);
            for (int i = 0; i < 50_000 && !call.isCancelled(); i++) {
                call.delta(kilobyte);
            }

            becomes(call::isCancelled);
            System.gc();
            long after = runtime.totalMemory() - runtime.freeMemory();
            assertThat(after - before).as("heap growth in bytes").isLessThan(64L << 20);
            // the stream ends (and leaves the count) on the provider's thread after the connection is gone
            becomes(() -> server.connections() == 0 && streams.count() == 0);
        }
    }

    @Test
    void a_browser_page_from_a_foreign_origin_is_refused_and_local_and_listed_ones_are_let_in() {
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/stream");

        assertThatThrownBy(() -> WsTestClient.connect(uri, "https://evil.example.com"))
                .isInstanceOf(CompletionException.class).rootCause().hasMessageContaining("403");
        assertThatThrownBy(() -> WsTestClient.connect(uri, "null")).rootCause().hasMessageContaining("403");
        WsTestClient.connect(uri, "https://app.example.com").close();
        WsTestClient.connect(uri, "http://localhost:5173").close();
        WsTestClient.connect(uri, "http://127.0.0.1:" + server.port()).close();
    }

    @Test
    void a_stream_waiting_for_its_first_token_gets_heartbeats_until_the_first_chunk() throws Exception {
        try (WsTestClient client = connect()) {
            client.send("stream_request", request("think long"));
            ScriptedStream call = provider.nextCall();
            String sessionId = client.await("stream_start").path("sessionId").asText();

            JsonNode heartbeat = client.await("stream_heartbeat");
            assertThat(heartbeat.path("sessionId").asText()).isEqualTo(sessionId);
            assertThat(heartbeat.path("waitingMs").asLong()).isGreaterThanOrEqualTo(200);
            becomes(() -> client.events("stream_heartbeat").size() >= 2);

            call.delta("finally");
            client.await("stream_chunk");
            int beats = client.events("stream_heartbeat").size();
            Thread.sleep(600);
            assertThat(client.events("stream_heartbeat")).hasSize(beats);
            call.complete(FinishReason.STOP);
        }
    }

    @Test
    void metrics_are_scraped_in_prometheus_format() throws Exception {
        try (WsTestClient client = connect(); var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            client.send("stream_request", request("count me"));
            ScriptedStream call = provider.nextCall();
            call.delta("one").delta(" two").usage(5, 2).complete(FinishReason.STOP);
            client.await("stream_complete");

            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(scrape.body())
                    .contains("vctt_connections 1.0")
                    .contains("vctt_streams_active 0.0")
                    .contains("vctt_streams_started_total{model=\"gpt-4o\",role=\"analyst\"} 1.0")
                    .contains("vctt_streams_ended_total{model=\"gpt-4o\",outcome=\"completed\",role=\"analyst\"} 1.0")
                    .contains("vctt_tokens_total{direction=\"output\",model=\"gpt-4o\"} 2.0")
                    .contains("vctt_time_to_first_token_seconds_count{model=\"gpt-4o\",role=\"analyst\"} 1")
                    .contains("vctt_chunk_gap_seconds_count{model=\"gpt-4o\"} 2")
                    .contains("vctt_time_to_first_token_seconds_bucket");
        }
    }

    @Test
    void health_answers_on_the_same_port() throws Exception {
        try (WsTestClient client = connect(); var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            client.send("stream_request", request("hi"));
            provider.nextCall();

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(health.body()).contains("\"status\":\"up\"").contains("\"database\":\"up\"").contains("\"connections\":1").contains("\"activeStreams\":1");
        }
    }

    @Test
    void shutting_down_closes_clients_with_going_away_and_cancels_their_streams() {
        WsTestClient client = connect();
        client.send("stream_request", request("hi"));
        ScriptedStream call = provider.nextCall();

        server.close();

        assertThat(client.awaitClose()).isEqualTo(1001);
        becomes(call::isCancelled);
    }

    private static List<String> fieldNames(JsonNode node) {
        var names = new java.util.ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
