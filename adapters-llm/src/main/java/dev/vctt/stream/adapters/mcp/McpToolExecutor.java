package dev.vctt.stream.adapters.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.application.port.ToolServerStatus;
import dev.vctt.stream.application.port.out.ToolDefinition;
import dev.vctt.stream.application.port.out.ToolExecutor;
import dev.vctt.stream.application.port.out.ToolOutcome;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * Runs tools on MCP servers through the official MCP Java SDK: one client per configured server,
 * shared by every stream, connected at start and reconnected when it dies (a periodic ping finds out).
 *
 * <p>Only tools named in a server's allow-list are listed or called. Tool descriptions, arguments and
 * results are untrusted and never logged; a server's standard error is dropped for the same reason.
 */
public final class McpToolExecutor implements ToolExecutor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(McpToolExecutor.class);
    /** A live server answers a ping at once; one that does not within this is taken for dead. */
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(3);

    private final List<Server> servers;
    private final McpJsonMapper mapper;
    private final ObjectMapper json;
    private final Duration connectTimeout;
    private final ScheduledExecutorService watchdog;
    private final AtomicLong callIds = new AtomicLong();

    public McpToolExecutor(List<McpServerSpec> specs, ObjectMapper json, Duration connectTimeout, Duration pingEvery) {
        this.json = json;
        this.mapper = new JacksonMcpJsonMapper(json);
        this.connectTimeout = connectTimeout;
        this.servers = specs.stream().map(Server::new).toList();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mcp-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        for (Server server : servers) {
            watchdog.execute(server::connect);
        }
        watchdog.scheduleWithFixedDelay(this::checkAll, pingEvery.toMillis(), pingEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public List<ToolServerStatus> servers() {
        return servers.stream().map(Server::status).toList();
    }

    @Override
    public List<ToolDefinition> tools() {
        var tools = new ArrayList<ToolDefinition>();
        servers.forEach(server -> tools.addAll(server.tools.values()));
        return tools;
    }

    @Override
    public ToolCallHandle call(ToolDefinition tool, String argumentsJson, Duration timeout, Consumer<ToolOutcome> onEnd) {
        var once = new AtomicBoolean();
        Consumer<ToolOutcome> end = outcome -> {
            if (once.compareAndSet(false, true)) {
                onEnd.accept(outcome);
            }
        };
        Server server = servers.stream().filter(s -> s.spec.name().equals(tool.server())).findFirst().orElse(null);
        if (server == null || !server.spec.allowedTools().contains(tool.name())) {
            end.accept(new ToolOutcome.Broke("tool " + tool.name() + " is not allowed"));
            return () -> {
            };
        }
        Connection connection = server.connection;
        if (connection == null) {
            end.accept(new ToolOutcome.Broke("tool server " + server.spec.name() + " is not available"));
            return () -> {
            };
        }
        Map<String, Object> arguments;
        try {
            arguments = argumentsJson.isBlank() ? Map.of() : json.readValue(argumentsJson, MAP);
        } catch (IOException e) {
            end.accept(new ToolOutcome.Broke("the arguments are not a JSON object"));
            return () -> {
            };
        }
        String token = "vctt-" + callIds.incrementAndGet();
        McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder(tool.name()).arguments(arguments)
                .progressToken(token).build();
        Disposable running = connection.client.callTool(request)
                .timeout(timeout)
                .subscribe(result -> {
                    connection.transport.forget(token);
                    end.accept(new ToolOutcome.Answered(text(result), Boolean.TRUE.equals(result.isError())));
                }, error -> {
                    if (error instanceof TimeoutException) {
                        connection.transport.cancel(token, "timed out");
                        end.accept(new ToolOutcome.TimedOut());
                    } else {
                        connection.transport.forget(token);
                        end.accept(new ToolOutcome.Broke(describe(error)));
                    }
                });
        return () -> {
            if (!once.get()) {
                running.dispose();
                connection.transport.cancel(token, "the stream was stopped");
                end.accept(new ToolOutcome.Cancelled());
            }
        };
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP = new com.fasterxml.jackson.core.type.TypeReference<>() {
    };

    /** The result as text: its text parts joined; other parts are named, not inlined. */
    private String text(McpSchema.CallToolResult result) {
        var text = new StringBuilder();
        if (result.content() != null) {
            for (McpSchema.Content content : result.content()) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(content instanceof McpSchema.TextContent part ? part.text() : "[" + content.type() + " content]");
            }
        }
        if (text.isEmpty() && result.structuredContent() != null) {
            try {
                text.append(json.writeValueAsString(result.structuredContent()));
            } catch (IOException e) {
                text.append("[structured content]");
            }
        }
        return text.toString();
    }

    /** An error for the model and the client: its kind only, since a server's message is untrusted. */
    private static String describe(Throwable error) {
        return error instanceof io.modelcontextprotocol.spec.McpError mcp && mcp.getJsonRpcError() != null
                ? "the server refused the call (code " + mcp.getJsonRpcError().code() + ")"
                : "the tool server failed (" + error.getClass().getSimpleName() + ")";
    }

    private void checkAll() {
        for (Server server : servers) {
            try {
                server.check();
            } catch (RuntimeException e) {
                log.warn("MCP server {}: check failed: {}", server.spec.name(), e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        servers.forEach(Server::disconnect);
    }

    private record Connection(McpAsyncClient client, CancellableTransport transport) {
    }

    /** One configured server and its current client. */
    private final class Server {

        private final McpServerSpec spec;
        private volatile Connection connection;
        private volatile Map<String, ToolDefinition> tools = Map.of();
        private int restarts;
        private boolean everUp;

        Server(McpServerSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        ToolServerStatus status() {
            return new ToolServerStatus(spec.name(), spec.kind(), connection != null, tools.size(), restarts);
        }

        synchronized void connect() {
            var transport = new CancellableTransport(transport());
            McpAsyncClient client = McpClient.async(transport).requestTimeout(Duration.ofHours(1))
                    .initializationTimeout(connectTimeout).build();
            try {
                client.initialize().block(connectTimeout);
                var listed = client.listTools().block(connectTimeout);
                var allowed = new java.util.LinkedHashMap<String, ToolDefinition>();
                for (McpSchema.Tool tool : listed == null ? List.<McpSchema.Tool>of() : listed.tools()) {
                    if (spec.allowedTools().contains(tool.name())) {
                        allowed.put(tool.name(), new ToolDefinition(tool.name(), spec.name(),
                                tool.description() == null ? "" : tool.description(), schema(tool)));
                    }
                }
                Set<String> missing = new java.util.TreeSet<>(spec.allowedTools());
                missing.removeAll(allowed.keySet());
                if (!missing.isEmpty()) {
                    log.warn("MCP server {} does not offer the allowed tools {}", spec.name(), missing);
                }
                tools = Map.copyOf(allowed);
                connection = new Connection(client, transport);
                if (everUp) {
                    restarts++;
                }
                everUp = true;
                log.info("MCP server {} ({}) is up with {} allowed tools", spec.name(), spec.kind(), allowed.size());
            } catch (RuntimeException e) {
                log.warn("MCP server {} ({}) cannot be reached: {}", spec.name(), spec.kind(), e.getClass().getSimpleName());
                closeQuietly(client);
            }
        }

        synchronized void check() {
            Connection current = connection;
            if (current == null) {
                connect();
                return;
            }
            if (!pingOk(current)) {
                log.warn("MCP server {} stopped answering; restarting its client", spec.name());
                disconnect();
                connect();
            }
        }

        private boolean pingOk(Connection current) {
            try {
                current.client().ping().timeout(PING_TIMEOUT).block();
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }

        synchronized void disconnect() {
            Connection current = connection;
            connection = null;
            tools = Map.of();
            if (current != null) {
                closeQuietly(current.client());
            }
        }

        private McpClientTransport transport() {
            return switch (spec.transport()) {
                case McpServerSpec.Transport.Stdio stdio -> {
                    var process = new StdioClientTransport(ServerParameters.builder(stdio.command()).args(stdio.args())
                            .env(stdio.env()).build(), mapper);
                    process.setStdErrorHandler(line -> {
                        // a tool server's own diagnostics are untrusted and may hold secrets: not logged
                    });
                    yield process;
                }
                case McpServerSpec.Transport.StreamableHttp http -> {
                    URI url = http.url();
                    String base = url.getScheme() + "://" + url.getRawAuthority();
                    String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/mcp" : url.getRawPath();
                    yield HttpClientStreamableHttpTransport.builder(base).endpoint(endpoint).jsonMapper(mapper)
                            .connectTimeout(connectTimeout).build();
                }
            };
        }

        private String schema(McpSchema.Tool tool) {
            try {
                return json.writeValueAsString(tool.inputSchema() == null ? Map.of("type", "object") : tool.inputSchema());
            } catch (IOException e) {
                return "{\"type\":\"object\"}";
            }
        }
    }

    /** The SDK's graceful close can wait forever on a stdio child (java-sdk #937): close without waiting. */
    private static void closeQuietly(McpAsyncClient client) {
        try {
            client.close();
        } catch (RuntimeException e) {
            log.debug("closing an MCP client failed: {}", e.getClass().getSimpleName());
        }
    }
}
