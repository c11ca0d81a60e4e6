package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole server driven by the real socket.io-client 4.8 from npm, run by node: the issue's
 * browser snippet unchanged, two streams on one socket, cancel, invalid requests, the server's
 * heartbeat during a long stream, a server restart, and connection state recovery after the TCP
 * connection is cut mid-stream. Skipped without node (failed with CI=true).
 */
class SocketIoClientIT {

    private static final Duration SCRIPT = Duration.ofSeconds(90);

    private SseReplayServer openai;
    private ServerApp app;

    @BeforeEach
    @Timeout(value = NodeTools.SETUP_MINUTES, unit = TimeUnit.MINUTES) // the first one installs the packages
    void node_and_packages() {
        NodeTools.requirePackages();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (openai != null) {
            openai.close();
        }
    }

    /** The server on the offline demo model (no key, public base URLs), at a quick pace. */
    private ServerApp demoServer(Map<String, String> extra) {
        var env = new HashMap<String, String>(TestEnvironment.of(Map.of("VCTT_DEMO_TOKENS_PER_SECOND", "150")));
        env.putAll(extra);
        app = ServerApp.start(AppConfig.fromEnv(env), Clock.systemUTC());
        return app;
    }

    @Test
    void the_issue_snippet_streams_a_replayed_openai_answer_to_completion() {
        openai = SseReplayServer.start();
        openai.enqueue(Reply.sse(Transcripts.bytes("openai-basic.sse")));
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(),
                "OPENAI_API_KEY", "sk-socketio"))), Clock.systemUTC());

        try (NodeScript script = NodeScript.start("sio-snippet.js", Integer.toString(app.port()))) {
            script.awaitSuccess(SCRIPT);

            List<JsonNode> events = script.json();
            assertThat(events).extracting(e -> e.path("event").asText()).containsExactly("stream_start",
                    "stream_chunk", "stream_chunk", "stream_chunk", "stream_chunk", "stream_chunk", "stream_chunk",
                    "stream_chunk", "stream_complete");
            JsonNode start = events.getFirst().path("data");
            assertThat(start.path("model").asText()).isEqualTo("gpt-4o");
            assertThat(start.path("agentRole").asText()).isEqualTo("analyst");
            assertThat(events.subList(1, 8)).extracting(e -> e.path("data").path("chunk").asText())
                    .containsExactly("The", " capital", " of", " France", " is", " Paris", ".");
            assertThat(events.subList(1, 8)).extracting(e -> e.path("data").path("index").asInt())
                    .containsExactly(0, 1, 2, 3, 4, 5, 6);
            JsonNode complete = events.getLast().path("data");
            assertThat(complete.path("sessionId").asText()).isEqualTo(start.path("sessionId").asText());
            assertThat(complete.path("fullText").asText()).isEqualTo("The capital of France is Paris.");
            assertThat(complete.path("totalTokens").asInt()).isEqualTo(26);
            assertThat(complete.path("finishReason").asText()).isEqualTo("stop");
        }
        assertThat(openai.takeRequest(Duration.ofSeconds(10)).body()).contains("Explain quantum computing");
    }

    @Test
    void two_streams_on_one_socket_are_acknowledged_and_told_apart_by_session_id() {
        demoServer(Map.of());

        try (NodeScript script = NodeScript.start("sio-scenarios.js", Integer.toString(app.port()), "concurrent")) {
            script.awaitSuccess(SCRIPT);

            JsonNode summary = script.awaitJson(j -> j.path("done").asBoolean(), Duration.ofSeconds(5));
            JsonNode one = summary.path("completes").path("one");
            JsonNode two = summary.path("completes").path("two");
            assertThat(summary.path("acks").path("one").path("accepted").asBoolean()).isTrue();
            assertThat(summary.path("acks").path("one").path("sessionId").asText()).isEqualTo(one.path("sessionId").asText());
            assertThat(summary.path("acks").path("two").path("sessionId").asText()).isEqualTo(two.path("sessionId").asText());
            assertThat(one.path("sessionId").asText()).isNotEqualTo(two.path("sessionId").asText());
            assertThat(one.path("fullText").asText()).contains("what is a qubit?").doesNotContain("entanglement");
            assertThat(two.path("fullText").asText()).contains("what is entanglement?");
            assertThat(one.path("model").asText()).isEqualTo("demo");
            for (JsonNode complete : List.of(one, two)) {
                JsonNode chunks = summary.path("chunks").path(complete.path("sessionId").asText());
                assertThat(StreamSupport.stream(chunks.spliterator(), false).map(c -> c.path("index").asInt()).toList())
                        .isEqualTo(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList());
                assertThat(StreamSupport.stream(chunks.spliterator(), false).map(c -> c.path("chunk").asText())
                        .reduce("", String::concat)).isEqualTo(complete.path("fullText").asText());
            }
        }
    }

    @Test
    void cancel_stops_the_stream_which_completes_as_cancelled() {
        demoServer(Map.of("VCTT_DEMO_TOKENS_PER_SECOND", "20"));

        try (NodeScript script = NodeScript.start("sio-scenarios.js", Integer.toString(app.port()), "cancel")) {
            script.awaitSuccess(SCRIPT);

            JsonNode summary = script.awaitJson(j -> j.path("done").asBoolean(), Duration.ofSeconds(5));
            assertThat(summary.path("cancelAck").path("accepted").asBoolean()).isTrue();
            assertThat(summary.path("cancelAck").path("sessionId").asText()).isEqualTo(summary.path("sessionId").asText());
            JsonNode complete = summary.path("complete");
            assertThat(complete.path("finishReason").asText()).isEqualTo("cancelled");
            assertThat(complete.path("fullText").asText()).startsWith("This");
            assertThat(complete.path("outputTokens").asInt()).isLessThan(40);
            // counted up to a round trip made after the completion, so that a late chunk has had to arrive
            assertThat(summary.path("afterCompleteAck").path("accepted").asBoolean()).isFalse();
            assertThat(summary.path("chunksAfterComplete").asInt()).isZero();
        }
    }

    @Test
    void invalid_requests_get_stream_errors_and_refusing_acks_and_the_socket_still_streams() {
        demoServer(Map.of());

        try (NodeScript script = NodeScript.start("sio-scenarios.js", Integer.toString(app.port()), "invalid")) {
            script.awaitSuccess(SCRIPT);

            JsonNode summary = script.awaitJson(j -> j.path("done").asBoolean(), Duration.ofSeconds(5));
            JsonNode acks = summary.path("acks");
            assertThat(acks.path("blank").path("accepted").asBoolean()).isFalse();
            assertThat(acks.path("blank").path("code").asText()).isEqualTo("VALIDATION_ERROR");
            assertThat(acks.path("blank").path("error").asText()).contains("message");
            assertThat(acks.path("hot").path("code").asText()).isEqualTo("VALIDATION_ERROR");
            assertThat(acks.path("hot").path("error").asText()).contains("temperature");
            assertThat(acks.path("valid").path("accepted").asBoolean()).isTrue();
            assertThat(summary.path("errors")).extracting(e -> e.path("code").asText())
                    .containsExactly("VALIDATION_ERROR", "VALIDATION_ERROR", "UNKNOWN_EVENT");
            assertThat(summary.path("errors").get(0).path("requestId").asText()).isEqualTo("blank");
            assertThat(summary.path("complete").path("requestId").asText()).isEqualTo("valid");
            assertThat(summary.path("complete").path("finishReason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void the_server_heartbeat_keeps_a_stream_alive_beyond_ping_interval_plus_timeout() {
        // the client gives up after 250 + 1500 ms without a ping; the answer takes about 4 s
        demoServer(Map.of("VCTT_SOCKETIO_PING_INTERVAL_MS", "250", "VCTT_SOCKETIO_PING_TIMEOUT_MS", "1500",
                "VCTT_DEMO_TOKENS_PER_SECOND", "25"));

        try (NodeScript script = NodeScript.start("sio-scenarios.js", Integer.toString(app.port()), "heartbeat")) {
            script.awaitSuccess(SCRIPT);

            JsonNode summary = script.awaitJson(j -> j.path("done").asBoolean(), Duration.ofSeconds(5));
            assertThat(summary.path("complete").path("latencyMs").asLong()).isGreaterThan(1750);
            assertThat(summary.path("complete").path("finishReason").asText()).isEqualTo("stop");
            assertThat(summary.path("pings").asInt()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void the_snippet_client_cut_mid_stream_twice_recovers_by_itself_and_gets_every_chunk_exactly_once() {
        // about 3 s of answer; each cut leaves the client out for its reconnection delay (0.5 to 1.5 s)
        demoServer(Map.of("VCTT_DEMO_TOKENS_PER_SECOND", "30"));

        try (NodeScript script = NodeScript.start("sio-recovery.js", Integer.toString(app.port()), "4,40")) {
            script.awaitSuccess(SCRIPT);

            JsonNode summary = script.awaitJson(j -> j.path("done").asBoolean(), Duration.ofSeconds(5));
            List<JsonNode> chunks = StreamSupport.stream(summary.path("chunks").spliterator(), false).toList();
            String fullText = summary.path("complete").path("fullText").asText();
            assertThat(summary.path("cuts")).extracting(JsonNode::asInt).containsExactly(4, 40);
            assertThat(summary.path("connects")).extracting(c -> c.path("recovered").asBoolean())
                    .containsExactly(false, true, true);
            assertThat(chunks).extracting(c -> c.path("index").asInt())
                    .isEqualTo(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList());
            assertThat(chunks.stream().map(c -> c.path("chunk").asText()).reduce("", String::concat)).isEqualTo(fullText);
            assertThat(chunks).extracting(c -> c.path("offset").asText()).doesNotHaveDuplicates();
            assertThat(fullText).contains("dropped connection is recovered");
            assertThat(summary.path("complete").path("finishReason").asText()).isEqualTo("stop");
            assertThat(summary.path("errors")).isEmpty();
        }
    }

    @Test
    void after_a_server_restart_a_reconnecting_client_streams_again_and_one_without_reconnection_stays_disconnected() {
        demoServer(Map.of());
        int port = app.port();

        try (NodeScript script = NodeScript.start("sio-restart.js", Integer.toString(port))) {
            script.awaitJson(j -> j.path("step").asText().equals("both-connected"), SCRIPT);

            app.close();
            app = null;
            JsonNode disconnected = script.awaitJson(j -> j.path("step").asText().equals("both-disconnected"), SCRIPT);
            demoServer(Map.of("PORT", Integer.toString(port)));

            script.awaitSuccess(SCRIPT);
            assertThat(disconnected.path("a").asText()).isEqualTo("transport close");
            assertThat(disconnected.path("b").asText()).isEqualTo("transport close");
            JsonNode again = script.awaitJson(j -> j.path("step").asText().equals("a-streamed-again"), Duration.ofSeconds(5));
            assertThat(again.path("complete").path("finishReason").asText()).isEqualTo("stop");
            assertThat(again.path("complete").path("fullText").asText()).contains("Are you back?");
            assertThat(again.path("bConnected").asBoolean()).isFalse();
            assertThat(again.path("bConnects").asInt()).isEqualTo(1);
            assertThat(script.awaitJson(j -> j.path("step").asText().equals("a-ack"), Duration.ofSeconds(5))
                    .path("ack").path("accepted").asBoolean()).isTrue();
        }
    }
}
