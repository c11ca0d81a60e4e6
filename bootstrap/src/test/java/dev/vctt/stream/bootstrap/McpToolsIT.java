package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.mcp.McpServerSpec;
import dev.vctt.stream.adapters.mcp.McpToolExecutor;
import dev.vctt.stream.application.port.ToolServerStatus;
import dev.vctt.stream.application.port.out.ToolDefinition;
import dev.vctt.stream.application.port.out.ToolExecutor;
import dev.vctt.stream.application.port.out.ToolOutcome;
import dev.vctt.stream.application.testing.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MCP client against the reference server {@code @modelcontextprotocol/server-everything}
 * (pinned in {@code src/test/node}), over stdio and over Streamable HTTP.
 */
class McpToolsIT {

    private static final Set<String> ALLOWED = Set.of("echo", "get-sum", "trigger-long-running-operation");
    private static Path server;

    private McpToolExecutor tools;
    private Process httpServer;

    @BeforeAll
    @Timeout(value = NodeTools.SETUP_MINUTES, unit = TimeUnit.MINUTES) // the first one installs the packages
    static void packages() {
        NodeTools.requirePackages();
        server = NodeTools.DIR.resolve(Path.of("node_modules", "@modelcontextprotocol", "server-everything", "dist",
                "index.js"));
    }

    @AfterEach
    void stop() {
        if (tools != null) {
            tools.close();
        }
        if (httpServer != null) {
            httpServer.descendants().forEach(ProcessHandle::destroyForcibly);
            httpServer.destroyForcibly();
        }
    }

    private McpToolExecutor stdio() {
        tools = new McpToolExecutor(List.of(new McpServerSpec("everything",
                new McpServerSpec.Transport.Stdio("node", List.of(server.toString(), "stdio"), Map.of()), ALLOWED)),
                new ObjectMapper(), Duration.ofSeconds(60), Duration.ofMillis(500));
        Eventually.becomes(() -> tools.tools().size() == ALLOWED.size());
        return tools;
    }

    private static ToolDefinition tool(ToolExecutor tools, String name) {
        return tools.tools().stream().filter(tool -> tool.name().equals(name)).findFirst().orElseThrow();
    }

    private static ToolOutcome call(ToolExecutor tools, String name, String arguments, Duration timeout) {
        var outcome = new CompletableFuture<ToolOutcome>();
        tools.call(tool(tools, name), arguments, timeout, outcome::complete);
        try {
            return outcome.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the call did not end", e);
        }
    }

    @Test
    void over_stdio_only_allowed_tools_are_listed_and_echo_and_get_sum_answer() {
        // given
        ToolExecutor tools = stdio();

        // then: get-env exists on the server but is not allowed, so it is never listed
        assertThat(tools.tools()).extracting(ToolDefinition::name).containsExactlyInAnyOrderElementsOf(ALLOWED);
        assertThat(tools.tools()).allSatisfy(tool -> assertThat(tool.server()).isEqualTo("everything"));
        assertThat(call(tools, "echo", "{\"message\":\"hi there\"}", Duration.ofSeconds(30)))
                .isEqualTo(new ToolOutcome.Answered("Echo: hi there", false));
        assertThat(call(tools, "get-sum", "{\"a\":2,\"b\":3}", Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(ToolOutcome.Answered.class, answered -> assertThat(answered.content()).contains("5"));
        assertThat(tools.servers()).containsExactly(new ToolServerStatus("everything", "stdio", true, 3, 0));
    }

    @Test
    void a_tool_the_allow_list_does_not_name_is_refused_without_a_call() {
        ToolExecutor tools = stdio();
        var outcome = new CompletableFuture<ToolOutcome>();

        tools.call(new ToolDefinition("get-env", "everything", "", "{}"), "{}", Duration.ofSeconds(5), outcome::complete);

        assertThat(outcome.join()).isInstanceOfSatisfying(ToolOutcome.Broke.class,
                broke -> assertThat(broke.detail()).contains("not allowed"));
    }

    @Test
    void a_call_past_its_timeout_ends_timed_out_and_the_server_stays_usable() {
        ToolExecutor tools = stdio();

        ToolOutcome outcome = call(tools, "trigger-long-running-operation", "{\"duration\":30,\"steps\":30}",
                Duration.ofMillis(500));

        assertThat(outcome).isEqualTo(new ToolOutcome.TimedOut());
        assertThat(call(tools, "echo", "{\"message\":\"still here\"}", Duration.ofSeconds(30)))
                .isEqualTo(new ToolOutcome.Answered("Echo: still here", false));
    }

    @Test
    void a_cancelled_call_ends_cancelled_at_once() {
        ToolExecutor tools = stdio();
        var outcome = new CompletableFuture<ToolOutcome>();
        ToolExecutor.ToolCallHandle handle = tools.call(tool(tools, "trigger-long-running-operation"),
                "{\"duration\":30,\"steps\":30}", Duration.ofSeconds(60), outcome::complete);

        handle.cancel();

        assertThat(outcome.join()).isEqualTo(new ToolOutcome.Cancelled());
        assertThat(call(tools, "echo", "{\"message\":\"after\"}", Duration.ofSeconds(30)))
                .isEqualTo(new ToolOutcome.Answered("Echo: after", false));
    }

    @Test
    void a_server_killed_mid_call_fails_the_call_and_its_client_is_restarted() {
        // given
        ToolExecutor tools = stdio();
        var outcome = new CompletableFuture<ToolOutcome>();
        tools.call(tool(tools, "trigger-long-running-operation"), "{\"duration\":30,\"steps\":30}",
                Duration.ofSeconds(10), outcome::complete);

        // when
        ProcessHandle.current().descendants()
                .filter(process -> process.info().commandLine().orElse("").contains("server-everything"))
                .forEach(ProcessHandle::destroyForcibly);

        // then
        assertThat(outcome.join()).isNotInstanceOf(ToolOutcome.Answered.class);
        Eventually.becomes(() -> tools.servers().getFirst().restarts() >= 1 && tools.servers().getFirst().up());
        assertThat(call(tools, "echo", "{\"message\":\"back\"}", Duration.ofSeconds(30)))
                .isEqualTo(new ToolOutcome.Answered("Echo: back", false));
    }

    @Test
    void over_streamable_http_echo_and_get_sum_answer() throws IOException {
        // given: the reference server on its Streamable HTTP transport
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var process = new ProcessBuilder("node", server.toString(), "streamableHttp").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        process.environment().put("PORT", Integer.toString(port));
        httpServer = process.start();
        int listening = port;
        Eventually.becomes(() -> {
            try (var probe = new Socket("127.0.0.1", listening)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });

        // when
        tools = new McpToolExecutor(List.of(new McpServerSpec("remote",
                new McpServerSpec.Transport.StreamableHttp(URI.create("http://127.0.0.1:" + port + "/mcp")), ALLOWED)),
                new ObjectMapper(), Duration.ofSeconds(30), Duration.ofSeconds(1));
        Eventually.becomes(() -> tools.tools().size() == ALLOWED.size());

        // then
        assertThat(call(tools, "echo", "{\"message\":\"over http\"}", Duration.ofSeconds(30)))
                .isEqualTo(new ToolOutcome.Answered("Echo: over http", false));
        assertThat(call(tools, "get-sum", "{\"a\":20,\"b\":22}", Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(ToolOutcome.Answered.class, answered -> assertThat(answered.content()).contains("42"));
        assertThat(tools.servers()).containsExactly(new ToolServerStatus("remote", "streamable-http", true, 3, 0));
    }
}
