package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.testing.RecordedRequest;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole server on an ephemeral port, an OpenAI-compatible replay server on loopback, and a real
 * WebSocket client: what a browser sees, chunk by chunk, and what happens upstream when it leaves.
 */
class StreamEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String QUESTION = "Explain quantum computing";

    private final SseReplayServer openai = SseReplayServer.start();
    private ServerApp app;

    @BeforeEach
    void start() {
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(),
                "OPENAI_API_KEY", "sk-e2e"))), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        app.close();
        openai.close();
    }

    private WsTestClient client() {
        return WsTestClient.connect(app.port());
    }

    @Test
    void streams_a_replayed_openai_answer_with_exact_events() {
        openai.enqueue(Reply.sse(Transcripts.bytes("openai-basic.sse")));
        try (WsTestClient client = client()) {
            client.send("stream_request", Map.of("message", QUESTION, "temperature", 0.7, "agentRole", "analyst",
                    "requestId", "e2e-1"));

            JsonNode complete = client.await("stream_complete");
            List<JsonNode> frames = client.frames();

            assertThat(frames).extracting(f -> f.path("event").asText()).containsExactly("stream_start",
                    "stream_chunk", "stream_chunk", "stream_chunk", "stream_chunk", "stream_chunk", "stream_chunk",
                    "stream_chunk", "stream_complete");
            JsonNode start = frames.getFirst().path("data");
            String sessionId = start.path("sessionId").asText();
            assertThat(sessionId).isNotBlank();
            assertThat(start.path("model").asText()).isEqualTo("gpt-4o");
            assertThat(start.path("agentRole").asText()).isEqualTo("analyst");
            assertThat(start.path("requestId").asText()).isEqualTo("e2e-1");

            List<String> pieces = List.of("The", " capital", " of", " France", " is", " Paris", ".");
            // gpt-4o is counted with its tokenizer (o200k_base): the question is 3 tokens, plus 3 for
            // its message and 3 to prime the reply; every piece of this answer is one token
            long inputEstimate = 9;
            for (int i = 0; i < pieces.size(); i++) {
                JsonNode chunk = frames.get(i + 1).path("data");
                long tokens = i + 1;
                assertThat(chunk.path("sessionId").asText()).isEqualTo(sessionId);
                assertThat(chunk.path("index").asInt()).isEqualTo(i);
                assertThat(chunk.path("chunk").asText()).isEqualTo(pieces.get(i));
                assertThat(chunk.path("model").asText()).isEqualTo("gpt-4o");
                assertThat(chunk.path("tokensUsed").asLong()).as("tokensUsed of chunk %d", i).isEqualTo(tokens);
                assertThat(chunk.path("estimatedCost").decimalValue()).as("estimatedCost of chunk %d", i)
                        .isEqualByComparingTo(cost(inputEstimate, tokens));
            }

            assertThat(complete.path("sessionId").asText()).isEqualTo(sessionId);
            assertThat(complete.path("fullText").asText()).isEqualTo("The capital of France is Paris.");
            assertThat(complete.path("inputTokens").asInt()).isEqualTo(19);
            assertThat(complete.path("outputTokens").asInt()).isEqualTo(7);
            assertThat(complete.path("totalTokens").asInt()).isEqualTo(26);
            assertThat(complete.path("totalCost").decimalValue()).isEqualByComparingTo(cost(19, 7));
            assertThat(complete.path("usageEstimated").asBoolean()).isFalse();
            assertThat(complete.path("finishReason").asText()).isEqualTo("stop");
            assertThat(complete.path("model").asText()).isEqualTo("gpt-4o");
            assertThat(complete.path("fallbackUsed").asBoolean()).isFalse();
            assertThat(complete.path("latencyMs").asLong()).isGreaterThanOrEqualTo(complete.path("firstTokenMs").asLong());
        }

        RecordedRequest upstream = openai.takeRequest(WAIT);
        assertThat(upstream.path()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.header("authorization")).isEqualTo("Bearer sk-e2e");
        JsonNode body = json(upstream.body());
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(body.path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]");
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void a_client_that_disconnects_mid_stream_asking_for_cancel_closes_the_upstream_connection_and_leaves_no_stream() {
        openai.enqueue(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(200)));
        WsTestClient client = client();
        client.send("stream_request", Map.of("message", QUESTION, "onDisconnect", "cancel"));
        client.await("stream_chunk");

        client.abort();

        assertThat(openai.awaitAbandonedByClient(WAIT)).as("upstream connection closed").isTrue();
        // the server learns of the abort in the background: wait for both effects, not just the first
        assertThat(eventually(() -> health().path("activeStreams").asInt() == 0)).isTrue();
        assertThat(eventually(() -> health().path("connections").asInt() == 0)).isTrue();
    }

    @Test
    void stream_cancel_closes_the_upstream_connection_and_completes_as_cancelled() {
        openai.enqueue(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(200)));
        try (WsTestClient client = client()) {
            client.send("stream_request", Map.of("message", QUESTION));
            String sessionId = client.await("stream_chunk").path("sessionId").asText();

            client.send("stream_cancel", Map.of("sessionId", sessionId));

            JsonNode complete = client.await("stream_complete");
            assertThat(complete.path("finishReason").asText()).isEqualTo("cancelled");
            assertThat(complete.path("usageEstimated").asBoolean()).isTrue();
            assertThat("The capital of France is Paris.").startsWith(complete.path("fullText").asText());
            assertThat(openai.awaitAbandonedByClient(WAIT)).as("upstream connection closed").isTrue();
            assertThat(eventually(() -> health().path("activeStreams").asInt() == 0)).isTrue();
        }
    }

    @Test
    void each_bad_input_gets_its_code_and_the_same_connection_still_streams() {
        openai.enqueue(Reply.sse(Transcripts.bytes("openai-basic.sse")));
        try (WsTestClient client = client()) {
            client.sendRaw("{not json");
            client.sendRaw("{\"event\":\"stream_dance\",\"data\":{}}");
            client.sendRaw("{\"event\":\"stream_request\",\"data\":{\"message\":\"hi\",\"temperature\":5}}");
            client.sendRaw("{\"event\":\"stream_request\",\"data\":{\"message\":\"" + "x".repeat(70_000) + "\"}}");
            client.sendBinary(new byte[] {0, 1});
            client.send("stream_cancel", Map.of("sessionId", "no-such-stream"));

            List<String> codes = List.of("BAD_JSON", "UNKNOWN_EVENT", "VALIDATION_ERROR", "MESSAGE_TOO_LARGE",
                    "UNSUPPORTED_FRAME", "STREAM_NOT_FOUND");
            for (String code : codes) {
                client.await("stream_error", error -> error.path("code").asText().equals(code));
            }
            assertThat(client.events("stream_error")).hasSize(codes.size());

            client.send("stream_request", Map.of("message", QUESTION));
            assertThat(client.await("stream_complete").path("fullText").asText()).isEqualTo("The capital of France is Paris.");
        }
    }

    @Test
    void a_provider_error_reaches_the_client_as_a_stream_error_with_the_providers_words() {
        // a 400 would repeat on any model; a 401/403 would fall back to another endpoint instead
        openai.enqueue(Reply.status(400, "{\"error\":{\"message\":\"Unsupported parameter: 'max_tokens'\",\"type\":\"invalid_request_error\"}}"));
        try (WsTestClient client = client()) {
            client.send("stream_request", Map.of("message", QUESTION));

            JsonNode error = client.await("stream_error");
            assertThat(error.path("code").asText()).isEqualTo("PROVIDER_ERROR");
            assertThat(error.path("error").asText()).contains("Unsupported parameter: 'max_tokens'").contains("400");
            assertThat(error.path("sessionId").asText()).isNotBlank();
        }
    }

    private static BigDecimal cost(long input, long output) {
        return new BigDecimal("2.50").multiply(BigDecimal.valueOf(input))
                .add(new BigDecimal("10.00").multiply(BigDecimal.valueOf(output)))
                .divide(BigDecimal.valueOf(1_000_000), 10, RoundingMode.HALF_EVEN);
    }

    private JsonNode health() {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return json(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
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

    private static boolean eventually(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
