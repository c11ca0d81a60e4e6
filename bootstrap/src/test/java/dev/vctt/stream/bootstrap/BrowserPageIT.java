package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The test client page in headless Chromium (Debian's, driven by playwright-core), against the
 * whole server on the offline demo model: the answer appears token by token, a stop button stops it,
 * the conversation is sent back as history, two panes stream side by side, and the issue's
 * Socket.IO snippet runs in the page's origin with the official browser bundle; a page whose TCP
 * connection is cut mid-stream reconnects and resumes by itself; on a server that asks
 * for keys, the page takes one. A screenshot taken mid-stream is kept as a build artifact. Skipped without node or Chromium (failed with CI=true).
 */
class BrowserPageIT {

    static final Path SCREENSHOT = Path.of("target", "screenshots", "page-mid-stream.png").toAbsolutePath();

    private ServerApp app;

    @BeforeEach
    @Timeout(value = NodeTools.SETUP_MINUTES, unit = TimeUnit.MINUTES) // the first one installs the packages
    void browser_and_packages() {
        NodeTools.requirePackages();
        NodeTools.chromium();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void the_page_streams_token_by_token_stops_keeps_history_and_runs_two_panes() throws Exception {
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of())), Clock.systemUTC());
        Files.deleteIfExists(SCREENSHOT);

        try (NodeScript script = NodeScript.start("browser-page.js", Map.of("CHROMIUM_PATH",
                NodeTools.chromium().toString()), Integer.toString(app.port()), SCREENSHOT.toString())) {
            script.awaitSuccess(Duration.ofMinutes(4));

            JsonNode loaded = step(script, "loaded");
            assertThat(loaded.path("title").asText()).isEqualTo("VCTT Stream — test client");
            assertThat(loaded.path("connection").asText()).isEqualTo("connected");
            assertThat(loaded.path("offlineDemo").asText()).isEqualTo("true");
            assertThat(loaded.path("banner").asText()).startsWith("Offline demo: no provider key is configured");

            JsonNode stream = step(script, "stream");
            String answer = stream.path("final").asText();
            assertThat(stream.path("endState").asText()).isEqualTo("done");
            assertThat(answer).startsWith("This is the offline demo model").contains("\u201cExplain quantum computing\u201d");
            List<String> states = new ArrayList<>();
            // what the answer showed while streaming, short of the whole answer
            stream.path("states").forEach(state -> {
                if (!state.asText().equals(answer)) {
                    states.add(state.asText());
                }
            });
            assertThat(states).as("intermediate states of the answer").hasSizeGreaterThanOrEqualTo(5);
            for (int i = 0; i < states.size(); i++) {
                String next = i + 1 < states.size() ? states.get(i + 1) : answer;
                assertThat(states.get(i)).as("state %d", i).isNotEmpty().hasSizeLessThan(next.length());
                assertThat(next).as("state %d grows into the next", i).startsWith(states.get(i));
            }
            assertThat(stream.path("cursorWhileStreaming").asBoolean()).as("blinking cursor while streaming").isTrue();
            assertThat(stream.path("cursorAfter").asBoolean()).as("cursor after the end").isFalse();
            assertThat(stream.path("screenshot").asBoolean()).isTrue();
            JsonNode meta = stream.path("meta");
            assertThat(meta.path("session").asText()).matches("[0-9a-f-]{36}");
            assertThat(meta.path("model").asText()).isEqualTo("demo (offline demo model)");
            assertThat(meta.path("tokens").asText()).matches("\\d+ \\(\\d+ in, \\d+ out\\)");
            assertThat(meta.path("cost").asText()).isEqualTo("$0");
            assertThat(meta.path("ttft").asText()).matches("\\d+ ms");
            assertThat(meta.path("latency").asText()).matches("\\d+ ms");
            assertThat(meta.path("finish").asText()).isEqualTo("stop");
            assertThat(stream.path("error").isNull()).isTrue();

            JsonNode history = step(script, "history");
            assertThat(history.path("final").asText()).contains("\u201cAnd in one sentence?\u201d")
                    .contains("This conversation had 2 earlier messages");
            assertThat(history.path("turns").asInt()).isEqualTo(2);

            JsonNode stop = step(script, "stop");
            assertThat(stop.path("endState").asText()).isEqualTo("cancelled");
            assertThat(stop.path("meta").path("finish").asText()).isEqualTo("cancelled");
            assertThat(stop.path("lengthLater").asInt()).isEqualTo(stop.path("lengthAtEnd").asInt())
                    .isLessThan(answer.length());

            JsonNode panes = step(script, "panes");
            assertThat(panes.path("overlapped").asBoolean()).as("both panes streaming at the same time").isTrue();
            assertThat(panes.path("roleB").asText()).isEqualTo("ethics");
            assertThat(panes.path("a").path("text").asText()).contains("\u201cCompare two streams\u201d");
            assertThat(panes.path("b").path("text").asText()).contains("\u201cIs it ethical to stream tokens?\u201d")
                    .contains("This is the first message of the conversation.");
            assertThat(panes.path("a").path("meta").path("session").asText())
                    .isNotEqualTo(panes.path("b").path("meta").path("session").asText());

            JsonNode socketIo = step(script, "socketio");
            List<String> events = new ArrayList<>();
            socketIo.path("events").forEach(event -> events.add(event.asText()));
            assertThat(events.getFirst()).isEqualTo("stream_start");
            assertThat(events.getLast()).isEqualTo("stream_complete");
            assertThat(events).filteredOn("stream_chunk"::equals).hasSizeGreaterThan(10);
            assertThat(socketIo.path("model").asText()).isEqualTo("demo");

            JsonNode cut = step(script, "cut");
            assertThat(cut.path("socketsCut").asInt()).as("the page's connections cut").isPositive();
            assertThat(cut.path("sawReconnecting").asBoolean()).isTrue();
            assertThat(cut.path("endState").asText()).isEqualTo("done");
            assertThat(cut.path("error").isNull()).as("the streamed text equals fullText, or the pane says so").isTrue();
            assertThat(cut.path("text").asText()).isEqualTo(answer);
            assertThat(cut.path("duplicates").asInt()).isZero();
            assertThat(cut.path("notes")).hasSize(1);
            assertThat(cut.path("notes").get(0).asText()).matches("resumed at chunk [1-9]\\d*");
            assertThat(cut.path("connection").asText()).isEqualTo("connected");
            assertThat(cut.path("meta").path("finish").asText()).isEqualTo("stop");

            assertThat(step(script, "end").path("pageErrors")).as("errors in the page").isEmpty();
        }
        assertThat(SCREENSHOT).as("screenshot mid-stream").exists();
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
    }

    @Test
    void with_keys_the_page_asks_for_one_refuses_a_wrong_one_and_streams_with_the_right_one() throws Exception {
        Map<String, String> env = TestEnvironment.of(Map.of("VCTT_AUTH", "keys"));
        var out = new ByteArrayOutputStream();
        assertThat(AdminCommand.run(new String[] {"keys", "create", "browser"}, AppConfig.fromEnv(env),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        String key = printed.substring(printed.indexOf("vctt_")).strip();
        app = ServerApp.start(AppConfig.fromEnv(env), Clock.systemUTC());

        try (NodeScript script = NodeScript.start("browser-key.js", Map.of("CHROMIUM_PATH",
                NodeTools.chromium().toString()), Integer.toString(app.port()), "vctt_not-a-key", key)) {
            script.awaitSuccess(Duration.ofMinutes(2));

            JsonNode asks = step(script, "asks");
            assertThat(asks.path("connection").asText()).isEqualTo("disconnected");
            assertThat(asks.path("notice").asText()).contains("asks for an API key");
            JsonNode refused = step(script, "refused");
            assertThat(refused.path("connection").asText()).isEqualTo("disconnected");
            assertThat(refused.path("error").asText()).startsWith("cannot connect to ws://127.0.0.1:" + app.port() + "/stream")
                    .doesNotContain("vctt_not-a-key");
            JsonNode streamed = step(script, "streamed");
            assertThat(streamed.path("endState").asText()).isEqualTo("done");
            assertThat(streamed.path("text").asText()).contains("\u201cHello with a key\u201d");
            assertThat(streamed.path("meta").path("model").asText()).startsWith("demo");
            assertThat(step(script, "end").path("pageErrors")).as("errors in the page").isEmpty();
        }
    }

    @Test
    void a_tool_call_shows_inline_in_the_answer_collapsed_with_its_arguments_result_and_time() throws Exception {
        // given: a replayed model that calls get-sum on the reference MCP server, then answers
        var openai = dev.vctt.stream.adapters.llm.testing.SseReplayServer.start();
        try (openai) {
            openai.enqueue(dev.vctt.stream.adapters.llm.testing.Reply.sse(
                    dev.vctt.stream.adapters.llm.testing.Transcripts.bytes("openai-mcp-get-sum-call.sse")));
            openai.enqueue(dev.vctt.stream.adapters.llm.testing.Reply.sse(
                    dev.vctt.stream.adapters.llm.testing.Transcripts.bytes("openai-mcp-answer.sse")));
            String everything = NodeTools.DIR.resolve(Path.of("node_modules", "@modelcontextprotocol",
                    "server-everything", "dist", "index.js")).toString();
            String servers = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(List.of(Map.of(
                    "name", "everything", "command", "node", "args", List.of(everything, "stdio"),
                    "allowedTools", List.of("get-sum"))));
            app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("OPENAI_BASE_URL",
                    openai.baseUrl().toString(), "OPENAI_API_KEY", "sk-o", "VCTT_ROUTES", "*=gpt-4o",
                    "VCTT_MCP_SERVERS", servers))), Clock.systemUTC());
            dev.vctt.stream.application.testing.Eventually.holds(Duration.ofSeconds(60),
                    () -> assertThat(health(app)).contains("\"tools\":1"));

            // when
            try (NodeScript script = NodeScript.start("browser-tools.js", Map.of("CHROMIUM_PATH",
                    NodeTools.chromium().toString()), Integer.toString(app.port()))) {
                script.awaitSuccess(Duration.ofMinutes(2));

                // then
                JsonNode tool = step(script, "tool");
                assertThat(tool.path("endState").asText()).isEqualTo("done");
                assertThat(tool.path("call").path("state").asText()).isEqualTo("ok");
                assertThat(tool.path("call").path("open").asBoolean()).as("collapsed").isFalse();
                assertThat(tool.path("call").path("argumentsVisible").asBoolean()).isFalse();
                assertThat(tool.path("call").path("summary").asText())
                        .matches("tool everything/get-sum: ok in \\d+ ms");
                assertThat(tool.path("opened").path("open").asBoolean()).isTrue();
                assertThat(tool.path("opened").path("argumentsVisible").asBoolean()).isTrue();
                assertThat(tool.path("opened").path("arguments").asText()).isEqualTo("{\"a\":2,\"b\":3}");
                assertThat(tool.path("opened").path("result").asText()).contains("5");
                assertThat(tool.path("opened").path("textAround").asText()).startsWith("Let me add them.")
                        .endsWith(" 2 + 3 = 5.");
                assertThat(step(script, "end").path("pageErrors")).as("errors in the page").isEmpty();
            }
        }
    }

    private static String health(ServerApp server) {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port()
                    + "/health")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static JsonNode step(NodeScript script, String name) {
        return script.awaitJson(line -> line.path("step").asText().equals(name), Duration.ofSeconds(5));
    }
}
