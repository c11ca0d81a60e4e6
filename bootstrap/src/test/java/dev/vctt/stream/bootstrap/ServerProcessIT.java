package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged jar, started as the README starts it, against a local OpenAI-compatible server. */
class ServerProcessIT {

    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void the_packaged_server_starts_answers_health_streams_and_stops_cleanly_on_sigterm() throws Exception {
        try (var openai = SseReplayServer.start();
             var server = ServerProcess.start(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(),
                     "OPENAI_API_KEY", "sk-process", "VCTT_DATA_DIR", "target/process-data"))) {
            openai.enqueue(Reply.sse(Transcripts.bytes("openai-basic.sse")));
            server.awaitHealthy(START);

            try (WsTestClient client = WsTestClient.connect(server.port)) {
                client.send("stream_request", Map.of("message", "What is the capital of France?", "agentRole", "analyst"));
                assertThat(client.await("stream_complete").path("fullText").asText())
                        .isEqualTo("The capital of France is Paris.");
            }

            server.terminate();
            assertThat(server.awaitExit(Duration.ofSeconds(20))).isIn(0, 143);
            assertThat(server.log()).contains("shutting down").contains("stopped");
        }
    }

    @Test
    void with_no_provider_key_the_packaged_server_runs_the_offline_demo_and_says_so_in_one_warning() throws Exception {
        var noProvider = new java.util.HashMap<String, String>();
        for (String variable : List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "XAI_API_KEY", "OPENAI_BASE_URL",
                "ANTHROPIC_BASE_URL", "XAI_BASE_URL", "VCTT_ROUTES", "VCTT_MODELS")) {
            noProvider.put(variable, "");
        }
        noProvider.put("VCTT_DATA_DIR", "target/process-data");
        try (var server = ServerProcess.start(noProvider)) {
            server.awaitHealthy(START);

            try (WsTestClient client = WsTestClient.connect(server.port)) {
                client.send("stream_request", Map.of("message", "Is anyone there?"));
                assertThat(client.await("stream_complete").path("model").asText()).isEqualTo("demo");
            }

            server.terminate();
            assertThat(server.awaitExit(Duration.ofSeconds(20))).isIn(0, 143);
            assertThat(server.log().lines().filter(line -> line.contains("OFFLINE DEMO"))).singleElement()
                    .satisfies(line -> assertThat(line).contains("WARN").contains("'demo' model")
                            .contains("http://127.0.0.1:" + server.port + "/"));
            assertThat(server.log()).doesNotContain("API_KEY is not set");
        }
    }

    @Test
    void a_bad_variable_stops_start_up_with_one_line_naming_it() throws Exception {
        try (var server = ServerProcess.start(Map.of("PORT", "70000"))) {
            assertThat(server.awaitExit(START)).isEqualTo(2);
            assertThat(server.log().lines().filter(line -> line.contains("PORT"))).singleElement()
                    .satisfies(line -> assertThat(line).contains("configuration error: PORT must be a whole number"));
        }
    }
}
