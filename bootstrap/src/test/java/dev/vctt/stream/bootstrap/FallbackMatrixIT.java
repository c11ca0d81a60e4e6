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
import dev.vctt.stream.domain.request.Continuation;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every provider failure kind, before and after the first chunk, for every agent role, through the
 * whole server with three local replay servers standing in for OpenAI, Anthropic and xAI. Default
 * routes: primary, analyst, relational, ethics, synthesiser → gpt-4o then claude-sonnet-4-5;
 * verification → grok-4-1-fast-non-reasoning then gpt-4o. A 401/403 is the endpoint's problem and falls back too.
 */
class FallbackMatrixIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String QUESTION = "What is the capital of France?";

    private static final String FALLBACK_503 =
            "vctt_fallbacks_total{from=\"gpt-4o\",reason=\"overloaded\",to=\"claude-sonnet-4-5\"}";
    private static final String OPENAI_OVERLOADED = "vctt_provider_errors_total{kind=\"overloaded\",model=\"gpt-4o\"}";
    private static final String ANALYST_COMPLETED_ON_CLAUDE =
            "vctt_streams_ended_total{model=\"claude-sonnet-4-5\",outcome=\"completed\",role=\"analyst\"}";
    private static final String CLAUDE_COST = "vctt_cost_usd_total{model=\"claude-sonnet-4-5\"}";

    private static final SseReplayServer OPENAI = SseReplayServer.start();
    private static final SseReplayServer ANTHROPIC = SseReplayServer.start();
    private static final SseReplayServer XAI = SseReplayServer.start();
    private static ServerApp app;
    /** The server with the reference MCP server, for the rows that fail after a tool step; started by the first. */
    private static ServerApp withTools;

    /** A provider as the matrix needs it: its server, its answer, and its failure replies. */
    enum Upstream {
        OPENAI_UP("gpt-4o", "openai-basic.sse", "The capital of France is Paris.", "openai-error-midstream.sse") {
            @Override
            SseReplayServer server() {
                return OPENAI;
            }
        },
        ANTHROPIC_UP("claude-sonnet-4-5", "anthropic-basic.sse", "Bonjour! The capital of France is Paris.",
                "anthropic-overloaded-midstream.sse") {
            @Override
            SseReplayServer server() {
                return ANTHROPIC;
            }
        },
        XAI_UP("grok-4-1-fast-non-reasoning", "xai-reasoning-usage.sse", "Lisbon is the capital of Portugal.", null) {
            @Override
            SseReplayServer server() {
                return XAI;
            }
        };

        final String model;
        final String happy;
        final String text;
        final String errorMidstream;

        Upstream(String model, String happy, String text, String errorMidstream) {
            this.model = model;
            this.happy = happy;
            this.text = text;
            this.errorMidstream = errorMidstream;
        }

        abstract SseReplayServer server();

        byte[] happyBytes() {
            return Transcripts.bytes(happy);
        }

        boolean isAnthropic() {
            return this == ANTHROPIC_UP;
        }

        String errorBody(int status) {
            return isAnthropic()
                    ? "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"failed with " + status + "\"}}"
                    : "{\"error\":{\"message\":\"failed with " + status + "\",\"type\":\"server_error\"}}";
        }

        /** The happy transcript's events up to and including the first one with text. */
        String headWithText() {
            String[] events = new String(happyBytes(), StandardCharsets.UTF_8).split("\n\n");
            var head = new StringBuilder();
            for (String event : events) {
                head.append(event).append("\n\n");
                if (event.contains("\"content\":\"") && !event.contains("\"content\":\"\"") || event.contains("text_delta")) {
                    break;
                }
            }
            return head.toString();
        }

        String errorEvent() {
            return isAnthropic() ? "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"something_odd\",\"message\":\"boom\"}}\n\n"
                    : "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n";
        }
    }

    /** One way a provider can fail, and when. */
    record Fault(String name, FailureKind kind, boolean afterFirstChunk, Function<Upstream, Reply> reply) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Fault> faults() {
        var faults = new ArrayList<Fault>();
        int[][] statuses = {{408, 0}, {409, 0}, {429, 0}, {500, 0}, {503, 0}, {529, 0}, {400, 0}, {401, 0}, {403, 0}, {404, 0}};
        FailureKind[] kinds = {FailureKind.REQUEST_TIMEOUT, FailureKind.CONFLICT, FailureKind.RATE_LIMITED,
                FailureKind.SERVER_ERROR, FailureKind.OVERLOADED, FailureKind.OVERLOADED, FailureKind.BAD_REQUEST,
                FailureKind.UNAUTHORIZED, FailureKind.FORBIDDEN, FailureKind.NOT_FOUND};
        for (int i = 0; i < statuses.length; i++) {
            int status = statuses[i][0];
            faults.add(new Fault("HTTP " + status, kinds[i], false, up -> Reply.status(status, up.errorBody(status))));
        }
        faults.add(new Fault("stall before the first byte", FailureKind.TIMEOUT_FIRST_TOKEN, false, up -> Reply.stallBeforeHeaders()));
        faults.add(new Fault("dropped before any text", FailureKind.CONNECTION_LOST, false, up -> Reply.sse(up.happyBytes()).dropAfter(0)));
        faults.add(new Fault("error event before any text", FailureKind.STREAM_ERROR_EVENT, false, up -> Reply.sse(up.errorEvent())));
        faults.add(new Fault("malformed first event", FailureKind.MALFORMED_STREAM, false,
                up -> Reply.sse("data: {\"choices\":[{\"delta\":\n\n")));
        faults.add(new Fault("stall after text", FailureKind.TIMEOUT_IDLE, true,
                up -> Reply.sse(up.headWithText()).stallAfter(Integer.MAX_VALUE)));
        faults.add(new Fault("dropped after text", FailureKind.CONNECTION_LOST, true,
                up -> Reply.sse(up.headWithText() + "data: {\"partial\":").dropAfter(Integer.MAX_VALUE)
                        .pauseBeforeFault(Duration.ofMillis(100))));
        faults.add(new Fault("error event after text", FailureKind.STREAM_ERROR_EVENT, true,
                up -> Reply.sse(up.headWithText() + up.errorEvent())));
        faults.add(new Fault("malformed event after text", FailureKind.MALFORMED_STREAM, true,
                up -> Reply.sse(up.headWithText() + "data: {\"choices\":[{\"delta\":\n\n")));
        return faults;
    }

    static Stream<Arguments> every_fault_for_every_role() {
        return Stream.of(AgentRole.values()).flatMap(role -> faults().stream().map(fault -> Arguments.of(role, fault)));
    }

    @BeforeAll
    static void start() {
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of(
                "OPENAI_BASE_URL", OPENAI.baseUrl().toString(), "OPENAI_API_KEY", "sk-o",
                "ANTHROPIC_BASE_URL", ANTHROPIC.baseUrl().toString(), "ANTHROPIC_API_KEY", "sk-a",
                "XAI_BASE_URL", XAI.baseUrl().toString(), "XAI_API_KEY", "sk-x",
                "VCTT_FIRST_TOKEN_TIMEOUT_MS", "500", "VCTT_IDLE_TIMEOUT_MS", "400"))), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (withTools != null) {
            withTools.close();
        }
        app.close();
        OPENAI.close();
        ANTHROPIC.close();
        XAI.close();
    }

    @BeforeEach
    void reset() {
        OPENAI.reset();
        ANTHROPIC.reset();
        XAI.reset();
    }

    private static Upstream first(AgentRole role) {
        return role == AgentRole.VERIFICATION ? Upstream.XAI_UP : Upstream.OPENAI_UP;
    }

    private static Upstream second(AgentRole role) {
        return role == AgentRole.VERIFICATION ? Upstream.OPENAI_UP : Upstream.ANTHROPIC_UP;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("every_fault_for_every_role")
    void a_failing_model_falls_back_or_ends_as_the_rule_says(AgentRole role, Fault fault) {
        Upstream first = first(role);
        Upstream second = second(role);
        first.server().enqueue(fault.reply().apply(first));
        second.server().enqueue(Reply.sse(second.happyBytes()));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", QUESTION, "agentRole", role.wireName()));

            if (!fault.kind().retryable() && !fault.kind().blamesEndpoint()) {
                JsonNode error = client.await("stream_error");
                assertThat(error.path("code").asText()).isEqualTo("PROVIDER_ERROR");
                assertThat(error.path("error").asText()).startsWith(first.model + ": ").contains(fault.name().substring(5));
                assertThat(client.events("stream_fallback")).isEmpty();
                assertThat(second.server().requests()).as("the chain is not burnt").isEmpty();
                return;
            }

            JsonNode complete = client.await("stream_complete");
            assertThat(client.events("stream_error")).isEmpty();
            JsonNode fallback = client.await("stream_fallback");
            assertThat(fallback.path("from").asText()).isEqualTo(first.model);
            assertThat(fallback.path("to").asText()).isEqualTo(second.model);
            assertThat(fallback.path("reason").asText()).contains(fault.kind().name().toLowerCase(java.util.Locale.ROOT));

            List<JsonNode> chunks = client.events("stream_chunk");
            assertThat(chunks).extracting(chunk -> chunk.path("index").asInt())
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList());
            String partial = chunks.stream().filter(c -> c.path("model").asText().equals(first.model))
                    .map(c -> c.path("chunk").asText()).reduce("", String::concat);
            assertThat(fallback.path("atIndex").asInt()).isEqualTo(
                    (int) chunks.stream().filter(c -> c.path("model").asText().equals(first.model)).count());
            assertThat(chunks.subList(fallback.path("atIndex").asInt(), chunks.size()))
                    .allSatisfy(c -> assertThat(c.path("model").asText()).isEqualTo(second.model));
            assertThat(complete.path("fullText").asText()).isEqualTo(partial + second.text);
            assertThat(complete.path("model").asText()).isEqualTo(second.model);
            assertThat(complete.path("fallbackUsed").asBoolean()).isTrue();
            assertThat(complete.path("modelsTried")).hasSize(2);
            assertThat(complete.path("modelsTried").get(0).path("outcome").asText()).isEqualTo("failed");
            assertThat(complete.path("modelsTried").get(1).path("outcome").asText()).isEqualTo("completed");

            RecordedRequest asked = second.server().takeRequest(WAIT);
            String sent = asked.body();
            if (fault.afterFirstChunk()) {
                assertThat(partial).isNotEmpty();
                assertThat(sent).contains(Continuation.INSTRUCTION).contains(json(partial));
            } else {
                assertThat(partial).isEmpty();
                assertThat(fallback.path("atIndex").asInt()).isZero();
                assertThat(sent).doesNotContain(Continuation.INSTRUCTION);
            }
            if (fault.kind() == FailureKind.TIMEOUT_FIRST_TOKEN || fault.kind() == FailureKind.TIMEOUT_IDLE) {
                assertThat(first.server().awaitAbandonedByClient(WAIT)).as("timed-out upstream closed").isTrue();
            }
        }
    }

    /** How the model's second step (after a tool step) fails. */
    static Stream<Arguments> fails_after_a_tool_step() {
        String answer = new String(Transcripts.bytes("openai-mcp-answer.sse"), StandardCharsets.UTF_8);
        String head = answer.substring(0, answer.indexOf("\n\n", answer.indexOf("2 + 3")) + 2);
        return Stream.of(
                Arguments.of("HTTP 503 before the step's first chunk", false,
                        Reply.status(503, Upstream.OPENAI_UP.errorBody(503))),
                Arguments.of("error event after the step's first chunk", true,
                        Reply.sse(head + Upstream.OPENAI_UP.errorEvent())),
                Arguments.of("dropped after the step's first chunk", true,
                        Reply.sse(head + "data: {\"partial\":").dropAfter(Integer.MAX_VALUE)
                                .pauseBeforeFault(Duration.ofMillis(100))));
    }

    private static synchronized ServerApp withTools() throws IOException {
        if (withTools == null) {
            NodeTools.requirePackages();
            String everything = NodeTools.DIR.resolve(java.nio.file.Path.of("node_modules", "@modelcontextprotocol",
                    "server-everything", "dist", "index.js")).toString();
            String servers = JSON.writeValueAsString(List.of(Map.of("name", "everything", "command", "node",
                    "args", List.of(everything, "stdio"), "allowedTools", List.of("get-sum"))));
            withTools = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of(
                    "OPENAI_BASE_URL", OPENAI.baseUrl().toString(), "OPENAI_API_KEY", "sk-o",
                    "ANTHROPIC_BASE_URL", ANTHROPIC.baseUrl().toString(), "ANTHROPIC_API_KEY", "sk-a",
                    "VCTT_FIRST_TOKEN_TIMEOUT_MS", "2000", "VCTT_IDLE_TIMEOUT_MS", "2000",
                    "VCTT_MCP_SERVERS", servers))), Clock.systemUTC());
            Eventually.becomes(() -> {
                try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + withTools.port() + "/health"))
                            .build(), HttpResponse.BodyHandlers.ofString()).body().contains("\"tools\":1");
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
        }
        return withTools;
    }

    @ParameterizedTest(name = "fails after a tool step: {0}")
    @MethodSource("fails_after_a_tool_step")
    @org.junit.jupiter.api.Timeout(value = NodeTools.SETUP_MINUTES, unit = java.util.concurrent.TimeUnit.MINUTES)
    void a_model_that_fails_after_a_tool_step_falls_back_and_the_loop_goes_on_with_the_conversation_so_far(
            String name, boolean afterText, Reply failure) throws IOException {
        // given: gpt-4o calls get-sum, then fails in its second step; claude-sonnet-4-5 answers
        ServerApp server = withTools();
        OPENAI.enqueue(Reply.sse(Transcripts.bytes("openai-mcp-get-sum-call.sse")));
        OPENAI.enqueue(failure);
        ANTHROPIC.enqueue(Reply.sse(Transcripts.bytes("anthropic-mcp-answer.sse")));

        try (WsTestClient client = WsTestClient.connect(server.port())) {
            // when
            client.send("stream_request", Map.of("message", "What is 2 + 3?"));
            JsonNode complete = client.await("stream_complete");

            // then: one stream, one gapless index sequence, the fallback announced where the failing step stopped
            JsonNode fallback = client.await("stream_fallback");
            assertThat(fallback.path("from").asText()).isEqualTo("gpt-4o");
            assertThat(fallback.path("to").asText()).isEqualTo("claude-sonnet-4-5");
            List<JsonNode> chunks = client.events("stream_chunk");
            assertThat(chunks).extracting(chunk -> chunk.path("index").asInt())
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList());
            long fromFirst = chunks.stream().filter(c -> c.path("model").asText().equals("gpt-4o")).count();
            assertThat(fromFirst).isEqualTo(afterText ? 3 : 2);
            assertThat(fallback.path("atIndex").asInt()).isEqualTo((int) fromFirst);
            assertThat(client.await("stream_tool_result").path("ok").asBoolean()).isTrue();
            assertThat(complete.path("finishReason").asText()).isEqualTo("stop");
            assertThat(complete.path("model").asText()).isEqualTo("claude-sonnet-4-5");
            assertThat(complete.path("fallbackUsed").asBoolean()).isTrue();
            assertThat(complete.path("steps").asInt()).isEqualTo(2);
            assertThat(complete.path("toolCalls").asInt()).isEqualTo(1);
            assertThat(complete.path("modelsTried")).extracting(tried -> tried.path("outcome").asText())
                    .containsExactly("tool_calls", "failed", "completed");
            assertThat(client.events("stream_error")).isEmpty();
        }
        // and the next model is asked the conversation so far: the call and its result, in its own format
        JsonNode messages = JSON.readTree(ANTHROPIC.takeRequest(WAIT).body()).path("messages");
        assertThat(messages.get(1).path("content").get(1).path("name").asText()).isEqualTo("get-sum");
        assertThat(messages.get(2).path("content").get(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(messages.get(2).path("content").get(0).path("content").asText()).contains("5");
    }

    @Test
    void a_provider_that_refuses_connections_falls_back_before_the_first_chunk() throws Exception {
        int closedPort = ServerProcess.freePort();
        ANTHROPIC.enqueue(Reply.sse(Transcripts.bytes("anthropic-basic.sse")));
        try (ServerApp unreachableOpenAi = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of(
                "OPENAI_BASE_URL", "http://127.0.0.1:" + closedPort + "/v1",
                "ANTHROPIC_BASE_URL", ANTHROPIC.baseUrl().toString()))), Clock.systemUTC());
             WsTestClient client = WsTestClient.connect(unreachableOpenAi.port())) {
            client.send("stream_request", Map.of("message", QUESTION, "agentRole", "ethics"));

            JsonNode complete = client.await("stream_complete");
            assertThat(client.await("stream_fallback").path("reason").asText()).contains("connect");
            assertThat(complete.path("model").asText()).isEqualTo("claude-sonnet-4-5");
            assertThat(complete.path("fullText").asText()).isEqualTo("Bonjour! The capital of France is Paris.");
        }
    }

    @Test
    void an_analyst_request_that_fails_on_openai_with_503_completes_on_anthropic() {
        double fallbacks = metric(FALLBACK_503);
        double errors = metric(OPENAI_OVERLOADED);
        double completed = metric(ANALYST_COMPLETED_ON_CLAUDE);
        double claudeCost = metric(CLAUDE_COST);
        double overloadedFallbacks = fallbacksOfKind("OVERLOADED");
        OPENAI.enqueue(Reply.status(503, Upstream.OPENAI_UP.errorBody(503)));
        ANTHROPIC.enqueue(Reply.sse(Transcripts.bytes("anthropic-basic.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", QUESTION, "agentRole", "analyst"));

            JsonNode complete = client.await("stream_complete");
            assertThat(complete.path("model").asText()).isEqualTo("claude-sonnet-4-5");
            assertThat(complete.path("fullText").asText()).isEqualTo("Bonjour! The capital of France is Paris.");
            assertThat(complete.path("fallbackUsed").asBoolean()).isTrue();
            assertThat(complete.path("outputTokens").asInt()).isEqualTo(12);
            assertThat(client.events("stream_error")).isEmpty();
            assertThat(client.await("stream_start").path("model").asText()).isEqualTo("gpt-4o");
            assertThat(ANTHROPIC.takeRequest(WAIT).header("x-api-key")).isEqualTo("sk-a");
        }
        Eventually.holds(() -> {
            assertThat(metric(FALLBACK_503)).isEqualTo(fallbacks + 1);
            assertThat(metric(OPENAI_OVERLOADED)).isEqualTo(errors + 1);
            assertThat(metric(ANALYST_COMPLETED_ON_CLAUDE)).isEqualTo(completed + 1);
            assertThat(metric(CLAUDE_COST)).isGreaterThan(claudeCost);
            // the stored session counts the fallback by the kind of the failure that caused it
            assertThat(fallbacksOfKind("OVERLOADED")).isGreaterThan(overloadedFallbacks);
        });
    }

    /** The attempts of the last day that failed with {@code kind} and were fallen back from, per the series endpoint. */
    private static double fallbacksOfKind(String kind) {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                    + "/api/stats/series?metric=fallbacks&by=kind&bucket=1d")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            double sum = 0;
            for (JsonNode line : JSON.readTree(response.body()).path("lines")) {
                if (line.path("group").asText().equals(kind)) {
                    for (JsonNode point : line.path("points")) {
                        sum += point.get(1).asDouble();
                    }
                }
            }
            return sum;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot read /api/stats/series", e);
        }
    }

    /** One series of {@code GET /metrics}, 0 while it does not exist yet. */
    private static double metric(String series) {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                    .map(line -> Double.parseDouble(line.substring(series.length() + 1))).orElse(0.0);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot scrape /metrics", e);
        }
    }

    @Test
    void a_verification_request_is_served_by_xai() {
        XAI.enqueue(Reply.sse(Transcripts.bytes("xai-reasoning-usage.sse")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", QUESTION, "agentRole", "verification"));

            JsonNode complete = client.await("stream_complete");
            assertThat(complete.path("model").asText()).isEqualTo("grok-4-1-fast-non-reasoning");
            assertThat(complete.path("fullText").asText()).isEqualTo("Lisbon is the capital of Portugal.");
            assertThat(complete.path("inputTokens").asInt()).isEqualTo(120);
            assertThat(complete.path("outputTokens").asInt()).as("reasoning tokens billed as output").isEqualTo(85);
            assertThat(complete.path("totalCost").decimalValue()).isEqualByComparingTo("0.0000665");
            assertThat(complete.path("fallbackUsed").asBoolean()).isFalse();
            assertThat(XAI.takeRequest(WAIT).header("authorization")).isEqualTo("Bearer sk-x");
        }
    }

    @Test
    void every_model_failing_ends_with_all_providers_failed_naming_each_answer() {
        OPENAI.enqueue(Reply.status(500, Upstream.OPENAI_UP.errorBody(500)));
        ANTHROPIC.enqueue(Reply.status(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", QUESTION));

            JsonNode error = client.await("stream_error");
            assertThat(error.path("code").asText()).isEqualTo("ALL_PROVIDERS_FAILED");
            assertThat(error.path("retryable").asBoolean()).isTrue();
            assertThat(error.path("error").asText()).contains("gpt-4o: HTTP 500").contains("failed with 500")
                    .contains("claude-sonnet-4-5: HTTP 529").contains("Overloaded");
            assertThat(error.path("modelsTried")).hasSize(2);
        }
    }

    private static String json(String text) {
        try {
            String quoted = JSON.writeValueAsString(text);
            return quoted.substring(1, quoted.length() - 1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
