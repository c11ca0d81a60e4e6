package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.application.testing.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoints as configuration, end to end: three OpenAI-compatible local servers (replay servers)
 * named in a {@code VCTT_CONFIG} file, a chain across them, a 401 on one endpoint falling back to
 * the next, and a reload while a stream runs.
 */
class ProvidersConfigIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String QUESTION = "What is the capital of France?";
    private static final String ANSWER = "The capital of France is Paris.";

    private final SseReplayServer a = SseReplayServer.start();
    private final SseReplayServer b = SseReplayServer.start();
    private final SseReplayServer c = SseReplayServer.start();
    private ServerApp app;
    private Path file;

    @TempDir
    Path dir;

    @BeforeEach
    void files() {
        file = dir.resolve("vctt.yaml");
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        a.close();
        b.close();
        c.close();
    }

    private String config(String routes, String priceOfA) {
        return """
                endpoints:
                  local-a: {family: openai-compatible, baseUrl: "%s", apiKeyEnv: LOCAL_A_KEY}
                  local-b: {family: openai-compatible, baseUrl: "%s"}
                  local-c: {family: openai-compatible, baseUrl: "%s", timeouts: {firstTokenMs: 5000}}
                models:
                  llama-a: {endpoint: local-a, id: llama3.1-a, price: %s}
                  llama-b: {endpoint: local-b, id: llama3.1-b, price: {input: 0, output: 0}}
                  llama-c: {endpoint: local-c, id: llama3.1-c, price: {input: 0, output: 0}}
                routes:
                  "*": %s
                """.formatted(a.baseUrl(), b.baseUrl(), c.baseUrl(), priceOfA, routes);
    }

    private void write(String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start(String configText) {
        write(configText);
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("VCTT_CONFIG", file.toString(),
                "LOCAL_A_KEY", "sk-local-a"))), Clock.systemUTC());
    }

    private static Reply happy() {
        return Reply.sse(Transcripts.bytes("openai-basic.sse"));
    }

    @Test
    void a_chain_across_three_openai_compatible_endpoints_is_followed_each_asked_for_its_own_model_id() throws Exception {
        start(config("[llama-a, llama-b, llama-c]", "{input: 0, output: 0}"));
        a.enqueue(Reply.status(503, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}"));
        b.enqueue(Reply.status(500, "{\"error\":{\"message\":\"broken\",\"type\":\"server_error\"}}"));
        c.enqueue(happy());

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", QUESTION, "agentRole", "analyst"));

            JsonNode complete = client.await("stream_complete");
            assertThat(complete.path("model").asText()).isEqualTo("llama-c");
            assertThat(complete.path("fullText").asText()).isEqualTo(ANSWER);
            assertThat(complete.path("modelsTried")).extracting(t -> t.path("model").asText())
                    .containsExactly("llama-a", "llama-b", "llama-c");
        }
        var toA = a.takeRequest(WAIT);
        assertThat(toA.body()).contains("\"model\":\"llama3.1-a\"").contains("\"max_tokens\"");
        assertThat(toA.header("authorization")).isEqualTo("Bearer sk-local-a");
        var toB = b.takeRequest(WAIT);
        assertThat(toB.body()).contains("\"model\":\"llama3.1-b\"");
        assertThat(toB.header("authorization")).isNull();
        assertThat(c.takeRequest(WAIT).body()).contains("\"model\":\"llama3.1-c\"");
    }

    @Test
    void a_401_on_the_first_endpoint_falls_back_to_the_second_and_marks_the_first_unhealthy() {
        start(config("[llama-a, llama-b]", "{input: 0, output: 0}"));
        a.enqueue(Reply.status(401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
                + "\"code\":\"invalid_api_key\"}}"));
        b.enqueue(happy());
        String healthyA = "vctt_provider_endpoint_healthy{endpoint=\"local-a\"}";
        assertThat(metric(healthyA)).isEqualTo(1.0);

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", QUESTION, "agentRole", "ethics"));

            JsonNode complete = client.await("stream_complete");
            assertThat(complete.path("model").asText()).isEqualTo("llama-b");
            assertThat(complete.path("fullText").asText()).isEqualTo(ANSWER);
            assertThat(client.await("stream_fallback").path("reason").asText()).contains("unauthorized");
            assertThat(client.events("stream_error")).isEmpty();
        }
        Eventually.holds(() -> {
            assertThat(metric(healthyA)).isEqualTo(0.0);
            assertThat(metric("vctt_provider_auth_failures_total{endpoint=\"local-a\"}")).isEqualTo(1.0);
            assertThat(metric("vctt_provider_endpoint_healthy{endpoint=\"local-b\"}")).isEqualTo(1.0);
        });
        assertThat(app.endpointHealth()).containsEntry("local-a", false).containsEntry("local-b", true);
        JsonNode health = get("/health");
        assertThat(health.path("endpoints").path("local-a").asText()).isEqualTo("unhealthy");
        assertThat(health.path("endpoints").path("local-b").asText()).isEqualTo("up");
    }

    @Test
    void a_reload_mid_stream_leaves_the_running_stream_its_model_and_price_and_routes_new_ones_anew() {
        start(config("[llama-a]", "{input: 1, output: 1}"));
        a.enqueue(happy().pacedBy(Duration.ofMillis(300)));
        b.enqueue(happy());

        try (WsTestClient running = WsTestClient.connect(app.port());
             WsTestClient later = WsTestClient.connect(app.port())) {
            running.send("stream_request", Map.of("message", QUESTION, "agentRole", "analyst"));
            running.await("stream_chunk");

            write(config("[llama-b]", "{input: 100, output: 100}"));
            assertThat(app.reload()).isTrue();
            assertThat(running.events("stream_complete")).as("the reload happened mid-stream").isEmpty();

            later.send("stream_request", Map.of("message", QUESTION, "agentRole", "analyst"));
            JsonNode laterComplete = later.await("stream_complete");
            assertThat(laterComplete.path("model").asText()).isEqualTo("llama-b");

            JsonNode complete = running.await("stream_complete");
            assertThat(complete.path("model").asText()).isEqualTo("llama-a");
            assertThat(complete.path("fallbackUsed").asBoolean()).isFalse();
            assertThat(complete.path("totalCost").decimalValue()).as("19 + 7 tokens at the old $1 per million")
                    .isEqualByComparingTo("0.000026");
        }
    }

    @Test
    void a_bad_file_is_refused_on_reload_and_the_settings_in_force_stay() {
        start(config("[llama-a]", "{input: 0, output: 0}"));
        write(config("[llama-a, gpt-9]", "{input: -1, output: 0}"));

        assertThat(app.reload()).isFalse();

        a.enqueue(happy());
        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", QUESTION, "agentRole", "analyst"));
            assertThat(client.await("stream_complete").path("model").asText()).isEqualTo("llama-a");
        }
    }

    @Test
    void a_reload_that_changes_endpoints_is_refused_since_it_takes_a_restart() {
        start(config("[llama-a]", "{input: 0, output: 0}"));
        write(config("[llama-a]", "{input: 0, output: 0}").replace(c.baseUrl().toString(), "http://127.0.0.1:1/v1"));

        assertThat(app.reload()).isFalse();
    }

    private JsonNode get(String path) {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + path)).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot GET " + path, e);
        }
    }

    private double metric(String series) {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                    .map(line -> Double.parseDouble(line.substring(series.length() + 1))).orElse(-1.0);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot scrape /metrics", e);
        }
    }
}
