package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fresh machine: no provider key, public base URLs. The server still starts, every role answers
 * with the offline demo model at price zero, and the page is told so; the protocol description is
 * served as packaged.
 */
class OfflineDemoIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ServerApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        http.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void with_no_key_every_role_streams_from_the_demo_model_at_price_zero() {
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("VCTT_DEMO_TOKENS_PER_SECOND", "200"))),
                Clock.systemUTC());

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", "Explain quantum computing", "agentRole", "verification",
                    "history", java.util.List.of(Map.of("role", "user", "content", "Hi"),
                            Map.of("role", "assistant", "content", "Hello"))));

            JsonNode start = client.await("stream_start");
            JsonNode complete = client.await("stream_complete");
            assertThat(start.path("model").asText()).isEqualTo("demo");
            assertThat(client.events("stream_chunk")).hasSizeGreaterThan(40)
                    .allSatisfy(chunk -> assertThat(chunk.path("estimatedCost").decimalValue()).isZero());
            assertThat(complete.path("fullText").asText()).startsWith("This is the offline demo model")
                    .contains("\u201cExplain quantum computing\u201d").contains("2 earlier messages");
            assertThat(complete.path("totalCost").decimalValue()).isZero();
            assertThat(complete.path("usageEstimated").asBoolean()).isFalse();
            assertThat(complete.path("outputTokens").asInt()).isEqualTo(client.events("stream_chunk").size());
            assertThat(complete.path("finishReason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void the_page_is_told_it_runs_on_the_offline_demo() throws Exception {
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of())), Clock.systemUTC());

        HttpResponse<String> response = get("/page-config.json");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode config = JSON.readTree(response.body());
        assertThat(config.path("offlineDemo").asBoolean()).isTrue();
        assertThat(config.path("demoRoles")).hasSize(6);
        assertThat(config.path("notice").asText()).startsWith("Offline demo: no provider key is configured")
                .contains("all agent roles").contains("OPENAI_API_KEY");
    }

    @Test
    void a_local_openai_compatible_server_without_a_key_is_no_demo() throws Exception {
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"))),
                Clock.systemUTC());

        JsonNode config = JSON.readTree(get("/page-config.json").body());

        assertThat(config.path("offlineDemo").asBoolean()).isFalse();
        assertThat(config.path("demoRoles")).isEmpty();
    }

    @Test
    void the_protocol_description_is_served_as_the_docs_module_packages_it() throws Exception {
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of())), Clock.systemUTC());
        String packaged;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(ServerApp.ASYNCAPI_RESOURCE)) {
            packaged = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        HttpResponse<String> response = get("/docs/asyncapi.yaml");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/yaml"));
        assertThat(response.body()).isEqualTo(packaged).startsWith("asyncapi: 3.0.0").contains("address: /socket.io/");
    }
}
