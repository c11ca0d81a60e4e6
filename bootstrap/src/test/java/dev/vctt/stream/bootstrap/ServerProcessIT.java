package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.application.testing.Eventually;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
                     "OPENAI_API_KEY", "sk-process", "VCTT_DATA_DIR", "target/process-data-" + System.nanoTime()))) {
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
            // the embedded database is summed up in one line (where, which version, how long); the
            // output of initdb and pg_ctl, Flyway's and HikariCP's steps stay below INFO
            assertThat(server.log().lines().filter(line -> line.contains("PostgreSQL"))).singleElement()
                    .satisfies(line -> assertThat(line).matches(".* INFO .*embedded PostgreSQL \\d+(\\.\\d+)* started in "
                            + "\\d+ ms on port \\d+ with data in \\S+process-data-\\d+\\S*"));
            assertThat(server.log()).doesNotContainIgnoringCase("initdb").doesNotContain("pg_ctl")
                    .doesNotContain(" i.z.t.d.p.").doesNotContain(" o.f.c").doesNotContain(" c.z.h.");
        }
    }

    @Test
    void with_a_warm_up_the_packaged_server_runs_its_streams_before_it_listens_and_then_serves_as_usual() throws Exception {
        try (var openai = SseReplayServer.start();
             var server = ServerProcess.start(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(),
                     "OPENAI_API_KEY", "sk-process", "VCTT_WARMUP_STREAMS", "20",
                     "VCTT_DATA_DIR", "target/process-data-warmup-" + System.nanoTime()))) {
            openai.enqueue(Reply.sse(Transcripts.bytes("openai-basic.sse")));
            server.awaitHealthy(START);

            assertThat(server.log()).containsPattern("warm-up: " + 20 * Warmup.ROUNDS + " of " + 20 * Warmup.ROUNDS
                    + " streams completed \\(" + 20 * Warmup.ROUNDS * WarmupProvider.TOKENS
                    + " chunks\\) in \\d+ ms");
            try (WsTestClient client = WsTestClient.connect(server.port)) {
                client.send("stream_request", Map.of("message", "What is the capital of France?", "agentRole", "analyst"));
                assertThat(client.await("stream_complete").path("fullText").asText())
                        .isEqualTo("The capital of France is Paris.");
            }
            assertThat(openai.requests()).as("the warm-up's streams never reach the configured provider").hasSize(1);
        }
    }

    @Test
    void keys_create_prints_the_secret_and_what_to_do_with_it_and_nothing_else() {
        Map<String, String> env = Map.of("VCTT_DATA_DIR", "target/process-data-keys-" + System.nanoTime(), "VCTT_AUTH", "off");

        ServerProcess.Command created = ServerProcess.run(env, Duration.ofMinutes(2), "keys", "create", "ci",
                "--daily-budget", "2.50");

        assertThat(created.exitCode()).as(created.err()).isZero();
        List<String> lines = created.out().lines().toList();
        assertThat(lines).as(created.out()).hasSize(4);
        assertThat(lines.get(0)).matches("key key_\\S+ created with a daily budget of \\$2\\.50?");
        String id = lines.get(0).split(" ")[1];
        assertThat(lines.get(1)).contains("?token=").contains("auth: {token:").contains("Authorization: Bearer")
                .endsWith("keys revoke " + id);
        assertThat(lines.get(2)).contains("VCTT_AUTH=keys");
        assertThat(lines.get(3)).matches("secret \\(shown once, keep it safe\\): vctt_\\S{40,}");
        assertThat(created.err()).as("only warnings and errors, on standard error").doesNotContain("INFO")
                .doesNotContain("DEBUG");
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

    @Test
    void a_server_killed_mid_stream_marks_the_session_interrupted_after_a_restart() throws Exception {
        String dataDir = "target/process-data-killed-" + System.nanoTime();
        try (var openai = SseReplayServer.start()) {
            openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(400)));
            Map<String, String> env = Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(), "VCTT_DATA_DIR", dataDir,
                    "VCTT_PROGRESS_MS", "100", "PORT", Integer.toString(ServerProcess.freePort()));
            String sessionId;
            String streamed;
            try (var server = ServerProcess.start(env)) {
                server.awaitHealthy(START);
                try (WsTestClient client = WsTestClient.connect(server.port)) {
                    client.send("stream_request", Map.of("message", "What is the capital of France?"));
                    sessionId = client.await("stream_start").path("sessionId").asText();
                    client.await("stream_chunk", chunk -> chunk.path("index").asInt() == 1);
                    // the kill must come after a progress write has landed: wait for that write itself
                    Eventually.becomes(() -> !partialAnswer(server.port, sessionId).isEmpty());

                    server.kill();
                    client.awaitClose();
                    streamed = String.join("", client.events("stream_chunk").stream().map(c -> c.path("chunk").asText()).toList());
                }
            }
            try (var restarted = ServerProcess.start(env)) {
                restarted.awaitHealthy(START);
                JsonNode session = json(get(restarted.port, "/api/sessions/" + sessionId));

                assertThat(session.path("status").asText()).isEqualTo("interrupted");
                String partial = session.path("messages").get(session.path("messages").size() - 1).path("content").asText();
                assertThat(partial).isNotEmpty();
                assertThat(streamed).startsWith(partial);
                assertThat(session.path("usageEstimated").asBoolean()).isTrue();
                assertThat(session.path("cost").decimalValue()).isPositive();
                // the log is written through an asynchronous queue
                Eventually.holds(() -> assertThat(restarted.log()).contains("marked interrupted"));
                JsonNode stats = json(get(restarted.port, "/api/stats"));
                assertThat(stats.path("total").path("spend").decimalValue()).isEqualByComparingTo(session.path("cost").decimalValue());
            }
        }
    }

    /** The answer so far of a running session as the database holds it; empty before the first progress write. */
    private static String partialAnswer(int port, String sessionId) {
        try {
            JsonNode session = json(get(port, "/api/sessions/" + sessionId));
            JsonNode messages = session.path("messages");
            JsonNode last = messages.path(messages.size() - 1);
            boolean partial = session.path("status").asText().equals("running") && last.path("role").asText().equals("assistant");
            return partial ? last.path("content").asText() : "";
        } catch (Exception e) {
            throw new AssertionError("cannot read session " + sessionId, e);
        }
    }

    @Test
    void after_kill_9_and_a_restart_a_resume_gets_what_was_kept_then_interrupted_and_a_resync_past_it() throws Exception {
        String dataDir = "target/process-data-resume-" + System.nanoTime();
        try (var openai = SseReplayServer.start()) {
            openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(400)));
            Map<String, String> env = Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(), "VCTT_DATA_DIR", dataDir,
                    "VCTT_CHUNK_LOG_FLUSH_MS", "50", "PORT", Integer.toString(ServerProcess.freePort()));
            String sessionId;
            List<String> held;
            try (var server = ServerProcess.start(env)) {
                server.awaitHealthy(START);
                try (WsTestClient client = WsTestClient.connect(server.port)) {
                    client.send("stream_request", Map.of("message", "What is the capital of France?"));
                    sessionId = client.await("stream_start").path("sessionId").asText();
                    client.await("stream_chunk", chunk -> chunk.path("index").asInt() == 2);
                    server.kill();
                    held = client.events("stream_chunk").stream().map(c -> c.path("chunk").asText()).toList();
                }
            }
            try (var restarted = ServerProcess.start(env);
                 WsTestClient resumer = awaitHealthyAndConnect(restarted);
                 WsTestClient greedy = WsTestClient.connect(restarted.port)) {
                // a client that holds the chunks it saw resumes after them
                resumer.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", held.size()));
                JsonNode end = resumer.await("stream_complete");
                List<JsonNode> resyncs = resumer.events("stream_resync");
                var text = new java.util.ArrayList<>(held);
                if (!resyncs.isEmpty()) {
                    assertThat(resyncs).singleElement().satisfies(r -> assertThat(r.path("text").asText()).isEmpty());
                    text.subList(resyncs.getFirst().path("fromIndex").asInt(), text.size()).clear();
                }
                resumer.events("stream_chunk").forEach(c -> text.add(c.path("chunk").asText()));
                assertThat(end.path("finishReason").asText()).isEqualTo("interrupted");
                assertThat(String.join("", text)).as("what the client ends with is what the server kept")
                        .isEqualTo(end.path("fullText").asText());
                assertThat("The capital of France is Paris.").startsWith(end.path("fullText").asText());

                // a client that claims the whole answer (seven chunks) is told the server kept less
                greedy.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", 7));
                JsonNode resync = greedy.await("stream_resync");
                JsonNode greedyEnd = greedy.await("stream_complete");
                assertThat(resync.path("fromIndex").asInt()).isLessThan(7);
                assertThat(resync.path("text").asText()).isEmpty();
                assertThat(greedyEnd.path("finishReason").asText()).isEqualTo("interrupted");
                assertThat(greedyEnd.path("fullText").asText()).isEqualTo(end.path("fullText").asText());
                assertThat(greedy.events("stream_chunk")).isEmpty();
            }
        }
    }

    private static WsTestClient awaitHealthyAndConnect(ServerProcess server) {
        server.awaitHealthy(START);
        return WsTestClient.connect(server.port);
    }

    private static String get(int port, String path) throws Exception {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }
}
