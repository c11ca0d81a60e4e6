package dev.vctt.stream.bootstrap;

import static dev.vctt.stream.bootstrap.BandEndToEndIT.answer;
import static dev.vctt.stream.bootstrap.BandEndToEndIT.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Band Jam's settings end to end: band limits from the {@code VCTT_CONFIG} file, and a reload
 * (what SIGHUP runs) that reaches new bands while a running band keeps the settings it began with.
 */
class BandSettingsIT {

    private final SseReplayServer openai = SseReplayServer.start();
    private ServerApp app;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        openai.close();
    }

    private static String config(String model, int maxMembers) {
        return """
                routes:
                  "*": [%s]
                bands: {maxMembers: %d, maxMemberTimeoutMs: 30000}
                """.formatted(model, maxMembers);
    }

    private void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void a_reload_gives_new_bands_the_new_routes_and_limits_while_a_running_band_keeps_its_own_to_the_end() {
        // given a server whose file allows one member per band, every role on gpt-4o
        Path file = dir.resolve("vctt.yaml");
        write(file, config("gpt-4o", 1));
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("VCTT_CONFIG", file.toString(),
                "OPENAI_BASE_URL", openai.baseUrl().toString(), "OPENAI_API_KEY", "sk-e2e"))), Clock.systemUTC());
        openai.enqueue(Reply.sse(answer("before")).inWritesOf(120).pacedBy(Duration.ofMillis(150)));
        openai.answerByDefault(Reply.sse(single("Fine.")));

        try (WsTestClient running = WsTestClient.connect(app.port());
             WsTestClient later = WsTestClient.connect(app.port())) {
            later.send("band_request", Map.of("message", "Two?", "roles", List.of("analyst", "ethics"), "requestId", "too-many"));
            assertThat(later.await("stream_error", e -> e.path("requestId").asText().equals("too-many")).path("error")
                    .asText()).contains("roles: must name at most 1 roles");
            assertThat(later.await("stream_error").path("code").asText()).isEqualTo("VALIDATION_ERROR");
            running.send("band_request", Map.of("message", "One?", "roles", List.of("analyst"), "verification", false,
                    "memberTimeoutMs", 30_000));
            running.await("stream_chunk");

            // when the file now routes to gpt-4o-mini and allows two members
            write(file, config("gpt-4o-mini", 2));
            assertThat(app.reload()).isTrue();
            assertThat(running.events("band_complete")).as("the reload happened mid-band").isEmpty();

            // then a new band of two is accepted and routed anew
            later.send("band_request", Map.of("message", "Two?", "roles", List.of("analyst", "ethics"), "verification", false));
            JsonNode laterStart = later.await("band_start");
            assertThat(laterStart.path("members")).hasSize(2)
                    .allSatisfy(m -> assertThat(m.path("model").asText()).isEqualTo("gpt-4o-mini"));
            JsonNode laterComplete = later.await("band_complete");
            assertThat(synthesiserModel(laterComplete)).isEqualTo("gpt-4o-mini");

            // and the band that began before the reload ran its synthesis, launched after it, on its own routes
            JsonNode runningComplete = running.await("band_complete");
            assertThat(runningComplete.path("members").get(0).path("model").asText()).isEqualTo("gpt-4o");
            assertThat(synthesiserModel(runningComplete)).isEqualTo("gpt-4o");
            assertThat(runningComplete.path("members")).allSatisfy(m ->
                    assertThat(m.path("outcome").asText()).isEqualTo("completed"));
        }
    }

    @Test
    void a_reload_with_a_bad_band_limit_is_refused_and_the_limits_in_force_stay() {
        // given
        Path file = dir.resolve("vctt.yaml");
        write(file, config("gpt-4o", 1));
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("VCTT_CONFIG", file.toString(),
                "OPENAI_BASE_URL", openai.baseUrl().toString(), "OPENAI_API_KEY", "sk-e2e"))), Clock.systemUTC());

        // when
        write(file, config("gpt-4o", 0));

        // then
        assertThat(app.reload()).isFalse();
        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("band_request", Map.of("message", "Two?", "roles", List.of("analyst", "ethics")));
            assertThat(client.await("stream_error").path("error").asText()).contains("roles: must name at most 1 roles");
            assertThat(openai.requests()).isEmpty();
        }
    }

    private static String synthesiserModel(JsonNode bandComplete) {
        for (JsonNode member : bandComplete.path("members")) {
            if (member.path("agentRole").asText().equals("synthesiser")) {
                return member.path("model").asText();
            }
        }
        throw new AssertionError("no synthesiser in " + bandComplete);
    }
}
