package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.testing.RecordedRequest;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.application.testing.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole server with the reference MCP server {@code server-everything} over stdio and replayed
 * OpenAI and Anthropic transcripts that call its tools: the tool loop as a client sees it.
 */
class McpToolLoopEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CANARY = "vctt-canary-6b1f0c";
    private static final int MAX_STEPS = 3;
    private static final int RESULT_BYTES = 64;
    /** Where the probe server writes what it saw: the calls it started and the cancellations it received. */
    private static final Path PROBE_LOG = Path.of("target", "mcp-probe", "events.jsonl").toAbsolutePath();

    private static final SseReplayServer OPENAI = SseReplayServer.start();
    private static final SseReplayServer ANTHROPIC = SseReplayServer.start();
    private static ServerApp app;

    @BeforeAll
    @Timeout(value = NodeTools.SETUP_MINUTES, unit = TimeUnit.MINUTES) // the first one installs the packages
    static void start() throws Exception {
        NodeTools.requirePackages();
        Path server = NodeTools.DIR.resolve(Path.of("node_modules", "@modelcontextprotocol", "server-everything",
                "dist", "index.js"));
        Files.createDirectories(PROBE_LOG.getParent());
        Files.deleteIfExists(PROBE_LOG);
        String servers = JSON.writeValueAsString(List.of(Map.of("name", "everything", "command", "node",
                "args", List.of(server.toString(), "stdio"), "env", Map.of("VCTT_CANARY", CANARY),
                "allowedTools", List.of("echo", "get-sum", "trigger-long-running-operation")),
                Map.of("name", "probe", "command", "node", "args", List.of(NodeTools.DIR.resolve("mcp-probe.js").toString()),
                        "env", Map.of("VCTT_PROBE_LOG", PROBE_LOG.toString()), "allowedTools", List.of("wait", "meet"))));
        // a budget one step of maxTokens 12000 fits and two do not (claude-sonnet-4-5, the dearest of the
        // route, writes at $15 per million: 0.18 a step); a step of the default 500 tokens is 0.0075, so
        // the other tests fit even while an earlier test's reservation is still being released
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.ofEntries(
                Map.entry("OPENAI_BASE_URL", OPENAI.baseUrl().toString()), Map.entry("OPENAI_API_KEY", "sk-o"),
                Map.entry("ANTHROPIC_BASE_URL", ANTHROPIC.baseUrl().toString()), Map.entry("ANTHROPIC_API_KEY", "sk-a"),
                Map.entry("VCTT_ROUTES", "primary=gpt-4o>claude-sonnet-4-5;analyst=claude-sonnet-4-5"),
                Map.entry("VCTT_MCP_SERVERS", servers), Map.entry("VCTT_TOOL_TIMEOUT_MS", "20000"),
                Map.entry("VCTT_MAX_TOOL_STEPS", Integer.toString(MAX_STEPS)),
                Map.entry("VCTT_TOOL_RESULT_BYTES", Integer.toString(RESULT_BYTES)),
                Map.entry("VCTT_DEFAULT_MAX_TOKENS", "500"), Map.entry("VCTT_MAX_OUTPUT_TOKENS", "20000"),
                Map.entry("VCTT_DAILY_BUDGET_USD", "0.30")))), Clock.systemUTC());
        // two node servers start at once: on a busy machine that takes a while
        Eventually.holds(Duration.ofSeconds(60), () -> assertThat(health()).contains("\"tools\":3").contains("\"tools\":2"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        OPENAI.close();
        ANTHROPIC.close();
    }

    @BeforeEach
    void reset() {
        OPENAI.reset();
        ANTHROPIC.reset();
    }

    private static String health() {
        return get("/health");
    }

    private static String get(String path) {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static JsonNode json(RecordedRequest request) {
        try {
            return JSON.readTree(request.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> kinds(WsTestClient client) {
        return client.frames().stream().map(frame -> frame.path("event").asText())
                .filter(event -> !event.equals("stream_heartbeat")).toList();
    }

    @Test
    void openai_calls_get_sum_and_the_answer_goes_on_in_the_same_stream() {
        // given
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-get-sum-call.sse")));
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("stream_request", Map.of("message", "What is 2 + 3?"));
            JsonNode complete = client.await("stream_complete");

            // then
            assertThat(kinds(client)).containsExactly("stream_start", "stream_chunk", "stream_chunk",
                    "stream_tool_call", "stream_tool_result", "stream_chunk", "stream_chunk", "stream_complete");
            JsonNode call = client.await("stream_tool_call");
            assertThat(call.path("name").asText()).isEqualTo("get-sum");
            assertThat(call.path("server").asText()).isEqualTo("everything");
            assertThat(call.path("toolCallId").asText()).isEqualTo("call_VcttGetSum0001");
            assertThat(call.path("arguments").asText()).isEqualTo("{\"a\":2,\"b\":3}");
            assertThat(call.path("index").asInt()).isEqualTo(2);
            JsonNode result = client.await("stream_tool_result");
            assertThat(result.path("ok").asBoolean()).isTrue();
            assertThat(result.path("content").asText()).contains("5");
            assertThat(result.path("truncated").asBoolean()).isFalse();
            assertThat(client.events("stream_chunk")).extracting(chunk -> chunk.path("index").asInt())
                    .containsExactly(0, 1, 2, 3);
            JsonNode done = complete;
            assertThat(done.path("fullText").asText()).isEqualTo("Let me add them. 2 + 3 = 5.");
            assertThat(done.path("finishReason").asText()).isEqualTo("stop");
            assertThat(done.path("steps").asInt()).isEqualTo(2);
            assertThat(done.path("toolCalls").asInt()).isEqualTo(1);
            assertThat(done.path("inputTokens").asInt()).isEqualTo(290);
            assertThat(done.path("outputTokens").asInt()).isEqualTo(32);
            String steps = "[{\"model\":\"gpt-4o\",\"outcome\":\"tool_calls\"},{\"model\":\"gpt-4o\",\"outcome\":\"completed\"}]";
            assertThat(done.path("modelsTried").toString()).isEqualTo(steps);
            String sessionId = done.path("sessionId").asText();
            Eventually.becomes(() -> get("/api/sessions/" + sessionId).contains("\"outcome\":\"tool_calls\""));
        }
        JsonNode first = json(OPENAI.takeRequest(WAIT));
        assertThat(first.path("tools").findValuesAsText("name"))
                .containsExactlyInAnyOrder("echo", "get-sum", "trigger-long-running-operation", "wait", "meet");
        JsonNode second = json(OPENAI.takeRequest(WAIT));
        JsonNode messages = second.path("messages");
        assertThat(messages.get(1).path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo("get-sum");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo("call_VcttGetSum0001");
        assertThat(messages.get(2).path("content").asText()).contains("5");
    }

    @Test
    void anthropic_calls_echo_and_gets_the_result_as_a_tool_result_block() {
        ANTHROPIC.enqueue(Reply.sse(Transcripts.bytes("anthropic-mcp-echo-call.sse")));
        ANTHROPIC.enqueue(Reply.sse(Transcripts.bytes("anthropic-mcp-answer.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", "Echo 'hello mcp'", "agentRole", "analyst"));
            JsonNode done = client.await("stream_complete");

            assertThat(client.await("stream_tool_result").path("content").asText())
                    .isEqualTo("Echo: hello mcp");
            assertThat(done.path("fullText").asText()).isEqualTo("I'll ask the echo tool. It answered: Echo: hello mcp.");
            assertThat(done.path("steps").asInt()).isEqualTo(2);
        }
        ANTHROPIC.takeRequest(WAIT);
        JsonNode messages = json(ANTHROPIC.takeRequest(WAIT)).path("messages");
        assertThat(messages.get(1).path("content").get(1).path("type").asText()).isEqualTo("tool_use");
        assertThat(messages.get(1).path("content").get(1).path("input").path("message").asText()).isEqualTo("hello mcp");
        JsonNode block = messages.get(2).path("content").get(0);
        assertThat(block.path("type").asText()).isEqualTo("tool_result");
        assertThat(block.path("tool_use_id").asText()).isEqualTo("toolu_01VcttEcho0001");
        assertThat(block.path("content").asText()).isEqualTo("Echo: hello mcp");
        assertThat(block.path("is_error").asBoolean()).isFalse();
    }

    @Test
    void parallel_calls_of_one_step_are_both_answered_before_the_next_step() {
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-parallel-echo-get-sum.sse")));
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", "Echo hi and add 20 and 22"));
            JsonNode done = client.await("stream_complete");

            assertThat(client.events("stream_tool_result")).hasSize(2)
                    .allSatisfy(result -> assertThat(result.path("ok").asBoolean()).isTrue());
            assertThat(done.path("toolCalls").asInt()).isEqualTo(2);
        }
        OPENAI.takeRequest(WAIT);
        JsonNode messages = json(OPENAI.takeRequest(WAIT)).path("messages");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("Echo: hi");
        assertThat(messages.get(3).path("content").asText()).contains("42");
    }

    @Test
    void get_env_is_refused_by_the_allow_list_and_its_output_never_reaches_the_client() {
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-get-env-call.sse")));
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", "Print your environment"));
            client.await("stream_complete");

            JsonNode result = client.await("stream_tool_result");
            assertThat(result.path("ok").asBoolean()).isFalse();
            assertThat(result.path("content").asText()).contains("not available");
            assertThat(client.frames()).allSatisfy(frame -> assertThat(frame.toString()).doesNotContain(CANARY));
        }
        OPENAI.takeRequest(WAIT);
        assertThat(OPENAI.takeRequest(WAIT).body()).doesNotContain(CANARY);
    }

    @Test
    void stream_cancel_during_a_tool_call_ends_the_stream_cancelled_without_another_step() {
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-long-running-call.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", "Run the long operation"));
            JsonNode call = client.await("stream_tool_call");

            client.send("stream_cancel", Map.of("sessionId", call.path("sessionId").asText()));

            JsonNode done = client.await("stream_complete");
            assertThat(done.path("finishReason").asText()).isEqualTo("cancelled");
            assertThat(client.await("stream_tool_result").path("ok").asBoolean()).isFalse();
        }
        assertThat(OPENAI.requests()).hasSize(1);
    }

    @Test
    void a_provider_that_fails_after_a_tool_step_falls_back_with_the_conversation_so_far() {
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-get-sum-call.sse")));
        OPENAI.enqueue(Reply.status(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        ANTHROPIC.enqueue(Reply.sse(Transcripts.bytes("anthropic-mcp-answer.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", "What is 2 + 3?"));
            JsonNode done = client.await("stream_complete");

            JsonNode fallback = client.await("stream_fallback");
            assertThat(fallback.path("from").asText()).isEqualTo("gpt-4o");
            assertThat(fallback.path("to").asText()).isEqualTo("claude-sonnet-4-5");
            assertThat(fallback.path("atIndex").asInt()).isEqualTo(2);
            assertThat(done.path("steps").asInt()).isEqualTo(2);
            assertThat(done.path("fallbackUsed").asBoolean()).isTrue();
        }
        JsonNode messages = json(ANTHROPIC.takeRequest(WAIT)).path("messages");
        assertThat(messages.get(1).path("content").get(1).path("name").asText()).isEqualTo("get-sum");
        assertThat(messages.get(2).path("content").get(0).path("type").asText()).isEqualTo("tool_result");
    }

    private static List<JsonNode> probeEvents() {
        try {
            if (!Files.exists(PROBE_LOG)) {
                return List.of();
            }
            var events = new java.util.ArrayList<JsonNode>();
            for (String line : Files.readAllLines(PROBE_LOG)) {
                if (!line.isBlank()) {
                    events.add(JSON.readTree(line));
                }
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean probeSaw(String event, String tool) {
        return probeEvents().stream().anyMatch(e -> e.path("event").asText().equals(event)
                && e.path("tool").asText().equals(tool));
    }

    private static long probeCount(String event, String tool) {
        return probeEvents().stream().filter(e -> e.path("event").asText().equals(event)
                && e.path("tool").asText().equals(tool)).count();
    }

    @Test
    void a_model_that_keeps_calling_tools_is_stopped_at_the_step_limit_with_finish_reason_tool_steps() {
        // given: a model that asks for get-sum at every step
        for (int i = 0; i < MAX_STEPS + 1; i++) {
            OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-get-sum-call.sse")));
        }

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("stream_request", Map.of("message", "Keep adding"));
            JsonNode done = client.await("stream_complete");

            // then: MAX_STEPS model steps, the tools of all but the last run, no further step asked
            assertThat(done.path("finishReason").asText()).isEqualTo("tool_steps");
            assertThat(done.path("steps").asInt()).isEqualTo(MAX_STEPS);
            assertThat(done.path("toolCalls").asInt()).isEqualTo(MAX_STEPS - 1);
            assertThat(client.events("stream_tool_result")).hasSize(MAX_STEPS - 1)
                    .allSatisfy(result -> assertThat(result.path("ok").asBoolean()).isTrue());
            List<JsonNode> chunks = client.events("stream_chunk");
            assertThat(chunks).extracting(chunk -> chunk.path("index").asInt())
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList());
            assertThat(done.path("modelsTried")).hasSize(MAX_STEPS);
        }
        assertThat(OPENAI.requests()).hasSize(MAX_STEPS);
    }

    @Test
    void a_next_step_that_does_not_fit_the_budget_ends_the_stream_with_finish_reason_budget() {
        // given: one step of 12000 tokens fits the day's budget, a second one does not
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-get-sum-call.sse")));
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("stream_request", Map.of("message", "What is 2 + 3?", "maxTokens", 12_000));
            JsonNode done = client.await("stream_complete");

            // then: the tool ran and its result was shown, but the model was not asked again
            assertThat(done.path("finishReason").asText()).isEqualTo("budget");
            assertThat(done.path("steps").asInt()).isEqualTo(1);
            assertThat(client.await("stream_tool_result").path("ok").asBoolean()).isTrue();
            assertThat(done.path("fullText").asText()).isEqualTo("Let me add them.");
            assertThat(client.events("stream_error")).isEmpty();
        }
        assertThat(OPENAI.requests()).hasSize(1);
    }

    @Test
    void a_result_over_the_byte_cap_is_cut_marked_for_the_model_and_shown_truncated_and_recorded() {
        // given
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-echo-long-call.sse")));
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("stream_request", Map.of("message", "Echo a long sentence"));
            JsonNode done = client.await("stream_complete");

            // then: the client sees the first RESULT_BYTES bytes and truncated: true
            JsonNode result = client.await("stream_tool_result");
            assertThat(result.path("ok").asBoolean()).isTrue();
            assertThat(result.path("truncated").asBoolean()).isTrue();
            assertThat(result.path("content").asText()).startsWith("Echo: Repeat this sentence")
                    .hasSize(RESULT_BYTES);
            String sessionId = done.path("sessionId").asText();
            Eventually.becomes(() -> get("/api/sessions/" + sessionId).contains("\"toolCalls\":[{"));
            JsonNode call = readTree(get("/api/sessions/" + sessionId)).path("toolCalls").get(0);
            assertThat(call.path("step").asInt()).isEqualTo(1);
            assertThat(call.path("toolCallId").asText()).isEqualTo("call_VcttEchoLong01");
            assertThat(call.path("server").asText()).isEqualTo("everything");
            assertThat(call.path("name").asText()).isEqualTo("echo");
            assertThat(call.path("outcome").asText()).isEqualTo("answered");
            assertThat(call.path("ok").asBoolean()).isTrue();
            assertThat(call.path("truncated").asBoolean()).isTrue();
            assertThat(call.path("bytes").asLong()).isGreaterThan(RESULT_BYTES);
            assertThat(call.path("durationMs").isIntegralNumber()).isTrue();
            assertThat(call.has("content") || call.has("arguments")).as("no user or tool data").isFalse();
        }
        // and the model is told the result was cut
        OPENAI.takeRequest(WAIT);
        JsonNode messages = json(OPENAI.takeRequest(WAIT)).path("messages");
        assertThat(messages.get(2).path("content").asText()).startsWith("Echo: Repeat this sentence")
                .endsWith("[result truncated by the server: it was longer than " + RESULT_BYTES + " bytes]");
    }

    @Test
    void stream_cancel_during_a_tool_call_reaches_the_mcp_server_as_notifications_cancelled() {
        // given: a call the probe server has started and would run for a minute
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-probe-wait-call.sse")));
        long cancelledBefore = probeCount("cancelled", "wait");
        long startedBefore = probeCount("started", "wait");

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", "Wait a minute"));
            JsonNode call = client.await("stream_tool_call");
            assertThat(call.path("server").asText()).isEqualTo("probe");
            Eventually.becomes(() -> probeCount("started", "wait") > startedBefore);

            // when
            client.send("stream_cancel", Map.of("sessionId", call.path("sessionId").asText()));

            // then: the stream ends cancelled, and the server's request was aborted with our reason
            JsonNode done = client.await("stream_complete");
            assertThat(done.path("finishReason").asText()).isEqualTo("cancelled");
            Eventually.becomes(() -> probeCount("cancelled", "wait") > cancelledBefore);
            assertThat(probeEvents()).filteredOn(e -> e.path("event").asText().equals("cancelled"))
                    .last().satisfies(e -> assertThat(e.path("reason").asText()).isEqualTo("the stream was stopped"));
            String sessionId = done.path("sessionId").asText();
            Eventually.becomes(() -> get("/api/sessions/" + sessionId).contains("\"outcome\":\"cancelled\""));
        }
        assertThat(OPENAI.requests()).hasSize(1);
    }

    @Test
    void a_call_past_the_per_call_timeout_is_given_back_timed_out_the_server_told_and_the_next_step_goes_on()
            throws Exception {
        // given: a server whose per-call timeout (VCTT_TOOL_TIMEOUT_MS, one setting for every MCP server)
        // is far below the minute the probe's wait call would take
        int timeoutMs = 1500;
        String servers = JSON.writeValueAsString(List.of(Map.of("name", "probe", "command", "node",
                "args", List.of(NodeTools.DIR.resolve("mcp-probe.js").toString()),
                "env", Map.of("VCTT_PROBE_LOG", PROBE_LOG.toString()), "allowedTools", List.of("wait"))));
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-probe-wait-call.sse")));
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));
        long timedOutBefore = probeCancellations("timed out");
        String said = "the tool did not answer within " + timeoutMs + " ms";

        try (ServerApp timing = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of(
                "OPENAI_BASE_URL", OPENAI.baseUrl().toString(), "OPENAI_API_KEY", "sk-o", "VCTT_ROUTES", "*=gpt-4o",
                "VCTT_MCP_SERVERS", servers, "VCTT_TOOL_TIMEOUT_MS", Integer.toString(timeoutMs)))),
                Clock.systemUTC())) {
            Eventually.holds(Duration.ofSeconds(60), () -> assertThat(get(timing, "/health")).contains("\"tools\":1"));

            try (WsTestClient client = WsTestClient.connect(timing.port())) {
                // when
                client.send("stream_request", Map.of("message", "Wait a minute"));
                JsonNode done = client.await("stream_complete");

                // then: the client sees the call fail as timed out, and the next step's answer in the same stream
                assertThat(kinds(client)).containsExactly("stream_start", "stream_tool_call", "stream_tool_result",
                        "stream_chunk", "stream_chunk", "stream_complete");
                JsonNode result = client.await("stream_tool_result");
                assertThat(result.path("toolCallId").asText()).isEqualTo("call_VcttWait0001");
                assertThat(result.path("ok").asBoolean()).isFalse();
                assertThat(result.path("content").asText()).isEqualTo(said);
                assertThat(result.path("truncated").asBoolean()).isFalse();
                assertThat(result.path("durationMs").asLong()).isGreaterThanOrEqualTo(timeoutMs).isLessThan(30_000);
                assertThat(done.path("finishReason").asText()).isEqualTo("stop");
                assertThat(done.path("fullText").asText()).isEqualTo(" 2 + 3 = 5.");
                assertThat(done.path("steps").asInt()).isEqualTo(2);
                assertThat(done.path("toolCalls").asInt()).isEqualTo(1);

                // and the session records the call as timed out
                String sessionId = done.path("sessionId").asText();
                Eventually.becomes(() -> get(timing, "/api/sessions/" + sessionId).contains("\"toolCalls\":[{"));
                JsonNode call = readTree(get(timing, "/api/sessions/" + sessionId)).path("toolCalls").get(0);
                assertThat(call.path("toolCallId").asText()).isEqualTo("call_VcttWait0001");
                assertThat(call.path("server").asText()).isEqualTo("probe");
                assertThat(call.path("outcome").asText()).isEqualTo("timed_out");
                assertThat(call.path("ok").asBoolean()).isFalse();
            }
            // and the MCP server was told to stop the call it was still running
            Eventually.becomes(() -> probeCancellations("timed out") > timedOutBefore);
        }
        // and the model was given the timeout as the call's error result
        OPENAI.takeRequest(WAIT);
        JsonNode messages = json(OPENAI.takeRequest(WAIT)).path("messages");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).path("tool_call_id").asText()).isEqualTo("call_VcttWait0001");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("Error: " + said);
    }

    private static long probeCancellations(String reason) {
        return probeEvents().stream().filter(e -> e.path("event").asText().equals("cancelled")
                && e.path("reason").asText().equals(reason)).count();
    }

    @Test
    void the_calls_of_one_step_run_at_the_same_time() {
        // given: two meet calls, each of which answers only while the other one is running too
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-parallel-meet.sse")));
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("stream_request", Map.of("message", "Meet yourself"));
            client.await("stream_complete");

            // then: run one after the other, the first would give up alone after 15 s ("nobody came")
            assertThat(client.events("stream_tool_result")).hasSize(2).allSatisfy(result -> {
                assertThat(result.path("ok").asBoolean()).isTrue();
                assertThat(result.path("content").asText()).isEqualTo("met 2");
            });
        }
    }

    @Test
    void an_mcp_server_killed_mid_call_fails_the_call_the_loop_goes_on_and_health_shows_it_restarted() {
        // given: a call the probe server is running
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-probe-wait-call.sse")));
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));
        int restartsBefore = probeHealth().path("restarts").asInt();
        long startedBefore = probeCount("started", "wait");

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", "Wait a minute"));
            client.await("stream_tool_call");
            Eventually.becomes(() -> probeCount("started", "wait") > startedBefore);

            // when
            ProcessHandle.current().descendants()
                    .filter(process -> process.info().commandLine().orElse("").contains("mcp-probe.js"))
                    .forEach(ProcessHandle::destroyForcibly);

            // then: the call fails (an error result for the model, not a crash) and the next step answers
            JsonNode done = client.await("stream_complete");
            JsonNode result = client.await("stream_tool_result");
            assertThat(result.path("ok").asBoolean()).isFalse();
            assertThat(done.path("finishReason").asText()).isEqualTo("stop");
            assertThat(done.path("steps").asInt()).isEqualTo(2);
        }
        Eventually.holds(Duration.ofSeconds(60), () -> {
            JsonNode probe = probeHealth();
            assertThat(probe.path("status").asText()).isEqualTo("up");
            assertThat(probe.path("restarts").asInt()).isGreaterThan(restartsBefore);
            assertThat(probe.path("tools").asInt()).isEqualTo(2);
        });
    }

    @Test
    void with_api_keys_a_stream_is_offered_only_the_tools_its_key_lists_and_the_server_allows() throws Exception {
        // given: keys required, and two keys: one created with --tools get-sum,get-env, one without
        Path everything = NodeTools.DIR.resolve(Path.of("node_modules", "@modelcontextprotocol", "server-everything",
                "dist", "index.js"));
        String servers = JSON.writeValueAsString(List.of(Map.of("name", "everything", "command", "node",
                "args", List.of(everything.toString(), "stdio"), "allowedTools", List.of("echo", "get-sum"))));
        Map<String, String> env = TestEnvironment.of(Map.of("OPENAI_BASE_URL", OPENAI.baseUrl().toString(),
                "OPENAI_API_KEY", "sk-o", "VCTT_ROUTES", "*=gpt-4o", "VCTT_AUTH", "keys", "VCTT_MCP_SERVERS", servers));
        String tooled = issueKey(env, "--tools", "get-sum,get-env");
        String plain = issueKey(env);
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));

        try (ServerApp keyed = ServerApp.start(AppConfig.fromEnv(env), Clock.systemUTC())) {
            Eventually.holds(Duration.ofSeconds(60), () -> assertThat(get(keyed, "/health")).contains("\"tools\":2"));
            URI stream = URI.create("ws://127.0.0.1:" + keyed.port() + "/stream");

            // when
            for (String key : List.of(tooled, plain)) {
                try (WsTestClient client = WsTestClient.connect(URI.create(stream + "?token=" + key), null)) {
                    client.send("stream_request", Map.of("message", "What is 2 + 3?"));
                    client.await("stream_complete");
                }
            }
        }

        // then: get-sum is the one tool both lists name (echo: not the key's; get-env: not the server's)
        JsonNode first = json(OPENAI.takeRequest(WAIT));
        assertThat(first.path("tools").findValuesAsText("name")).containsExactly("get-sum");
        JsonNode second = json(OPENAI.takeRequest(WAIT));
        assertThat(second.has("tools")).as("a key without tools is offered none").isFalse();
    }

    @Test
    void over_streamable_http_openai_calls_get_sum_and_anthropic_calls_echo() throws Exception {
        // given: the reference server on its Streamable HTTP transport, and a server that reaches it by URL
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path everything = NodeTools.DIR.resolve(Path.of("node_modules", "@modelcontextprotocol", "server-everything",
                "dist", "index.js"));
        var builder = new ProcessBuilder("node", everything.toString(), "streamableHttp").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PORT", Integer.toString(port));
        Process remote = builder.start();
        try {
            String servers = JSON.writeValueAsString(List.of(Map.of("name", "remote",
                    "url", "http://127.0.0.1:" + port + "/mcp", "allowedTools", List.of("echo", "get-sum"))));
            OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-get-sum-call.sse")));
            OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-answer.sse")));
            ANTHROPIC.enqueue(Reply.sse(Transcripts.bytes("anthropic-mcp-echo-call.sse")));
            ANTHROPIC.enqueue(Reply.sse(Transcripts.bytes("anthropic-mcp-answer.sse")));
            try (ServerApp overHttp = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of(
                    "OPENAI_BASE_URL", OPENAI.baseUrl().toString(), "OPENAI_API_KEY", "sk-o",
                    "ANTHROPIC_BASE_URL", ANTHROPIC.baseUrl().toString(), "ANTHROPIC_API_KEY", "sk-a",
                    "VCTT_ROUTES", "primary=gpt-4o;analyst=claude-sonnet-4-5", "VCTT_MCP_SERVERS", servers))),
                    Clock.systemUTC())) {
                Eventually.holds(Duration.ofSeconds(60), () -> assertThat(get(overHttp, "/health"))
                        .contains("\"transport\":\"streamable-http\"").contains("\"tools\":2"));

                // when
                try (WsTestClient client = WsTestClient.connect(overHttp.port())) {
                    client.send("stream_request", Map.of("message", "What is 2 + 3?"));
                    JsonNode done = client.await("stream_complete");

                    // then
                    JsonNode result = client.await("stream_tool_result");
                    assertThat(client.await("stream_tool_call").path("server").asText()).isEqualTo("remote");
                    assertThat(result.path("ok").asBoolean()).isTrue();
                    assertThat(result.path("content").asText()).contains("5");
                    assertThat(done.path("fullText").asText()).isEqualTo("Let me add them. 2 + 3 = 5.");
                }
                try (WsTestClient client = WsTestClient.connect(overHttp.port())) {
                    client.send("stream_request", Map.of("message", "Echo 'hello mcp'", "agentRole", "analyst"));
                    JsonNode done = client.await("stream_complete");

                    assertThat(client.await("stream_tool_result").path("content").asText()).isEqualTo("Echo: hello mcp");
                    assertThat(done.path("steps").asInt()).isEqualTo(2);
                }
            }
        } finally {
            remote.descendants().forEach(ProcessHandle::destroyForcibly);
            remote.destroyForcibly();
        }
        OPENAI.takeRequest(WAIT);
        JsonNode messages = json(OPENAI.takeRequest(WAIT)).path("messages");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).path("content").asText()).contains("5");
    }

    private static String issueKey(Map<String, String> env, String... options) {
        var out = new java.io.ByteArrayOutputStream();
        var arguments = new java.util.ArrayList<>(List.of("keys", "create", "k" + System.nanoTime()));
        arguments.addAll(List.of(options));
        int code = AdminCommand.run(arguments.toArray(String[]::new), AppConfig.fromEnv(env),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
        assertThat(code).isZero();
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        return text.substring(text.indexOf("vctt_")).strip();
    }

    private static String get(ServerApp server, String path) {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static JsonNode probeHealth() {
        for (JsonNode server : readTree(health()).path("mcpServers")) {
            if (server.path("name").asText().equals("probe")) {
                return server;
            }
        }
        throw new AssertionError("no probe server in /health: " + health());
    }

    private static JsonNode readTree(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(body, e);
        }
    }
}
