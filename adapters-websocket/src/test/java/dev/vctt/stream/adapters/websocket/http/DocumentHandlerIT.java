package dev.vctt.stream.adapters.websocket.http;

import static dev.vctt.stream.application.testing.TestCatalog.GPT_4O;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.websocket.WebServer;
import dev.vctt.stream.adapters.websocket.WebServerSettings;
import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.adapters.websocket.testing.TestWebServer;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.ScriptedLlmProvider;
import dev.vctt.stream.domain.request.RequestLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test client page and the documents bootstrap hands over, served on the WebSocket port. */
class DocumentHandlerIT {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private WebServer server;

    @BeforeEach
    void start_server() {
        server = TestWebServer.start(new WebServerSettings("127.0.0.1", 0, ConnectionLimits.DEFAULTS, List.of(),
                Duration.ofSeconds(15)).withDocuments(List.of(
                        new ServedDocument("/docs/asyncapi.yaml", "application/yaml; charset=utf-8", "asyncapi: 3.0.0\n"))),
                RequestLimits.DEFAULTS, new ScriptedLlmProvider(), new ActiveStreams(3), AuthenticateClientService.open(),
                new InMemorySessionStore(), new MicrometerStreamMetrics());
    }

    @AfterEach
    void stop_server() {
        server.close();
        http.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void the_root_serves_the_test_client_page_with_a_same_origin_policy() throws Exception {
        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(v ->
                assertThat(v).contains("default-src 'self'"));
        assertThat(page.body()).contains("<title>VCTT Stream — test client</title>").contains("/client.js")
                .contains("/client.css");
    }

    @Test
    void the_page_script_and_style_are_served_with_their_types() throws Exception {
        HttpResponse<String> script = get("/client.js");
        HttpResponse<String> style = get("/client.css");

        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
        assertThat(script.body()).contains("new WebSocket(").contains("stream_request").contains("stream_cancel");
        assertThat(style.statusCode()).isEqualTo(200);
        assertThat(style.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/css"));
        assertThat(style.body()).contains("@keyframes blink");
    }

    @Test
    void documents_from_the_settings_are_served_at_their_path() throws Exception {
        HttpResponse<String> document = get("/docs/asyncapi.yaml");

        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/yaml"));
        assertThat(document.body()).isEqualTo("asyncapi: 3.0.0\n");
    }

    @Test
    void an_unknown_path_is_a_404_and_health_still_answers() throws Exception {
        HttpResponse<String> missing = get("/nothing-here");
        HttpResponse<String> health = get("/health");

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("NOT_FOUND");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"up\"");
    }
}
