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

    private static final SseReplayServer OPENAI = SseReplayServer.start();
    private static final SseReplayServer ANTHROPIC = SseReplayServer.start();
    private static ServerApp app;

    @BeforeAll
    @Timeout(value = NodeTools.SETUP_MINUTES, unit = TimeUnit.MINUTES) // the first one installs the packages
    static void start() throws Exception {
        NodeTools.requirePackages();
        Path server = NodeTools.DIR.resolve(Path.of("node_modules", "@modelcontextprotocol", "server-everything",
                "dist", "index.js"));
        String servers = JSON.writeValueAsString(List.of(Map.of("name", "everything", "command", "node",
                "args", List.of(server.toString(), "stdio"), "env", Map.of("VCTT_CANARY", CANARY),
                "allowedTools", List.of("echo", "get-sum", "trigger-long-running-operation"))));
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of(
                "OPENAI_BASE_URL", OPENAI.baseUrl().toString(), "OPENAI_API_KEY", "sk-o",
                "ANTHROPIC_BASE_URL", ANTHROPIC.baseUrl().toString(), "ANTHROPIC_API_KEY", "sk-a",
                "VCTT_ROUTES", "primary=gpt-4o>claude-sonnet-4-5;analyst=claude-sonnet-4-5",
                "VCTT_MCP_SERVERS", servers, "VCTT_TOOL_TIMEOUT_MS", "20000"))), Clock.systemUTC());
        Eventually.becomes(() -> health().contains("\"tools\":3"));
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
                .containsExactlyInAnyOrder("echo", "get-sum", "trigger-long-running-operation");
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
}
