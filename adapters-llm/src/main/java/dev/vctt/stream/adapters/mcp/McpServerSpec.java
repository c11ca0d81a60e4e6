package dev.vctt.stream.adapters.mcp;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** One configured MCP server: its name, how to reach it, and the tools it may run (deny by default). */
public record McpServerSpec(String name, Transport transport, Set<String> allowedTools) {

    /** How the server is reached. */
    public sealed interface Transport {
        /** A child process speaking MCP on its standard input and output. */
        record Stdio(String command, List<String> args, Map<String, String> env) implements Transport {
            public Stdio {
                Objects.requireNonNull(command, "command");
                args = List.copyOf(args);
                env = Map.copyOf(env);
            }
        }

        /** A server at a Streamable HTTP endpoint. */
        record StreamableHttp(URI url) implements Transport {
            public StreamableHttp {
                Objects.requireNonNull(url, "url");
            }
        }
    }

    public McpServerSpec {
        Objects.requireNonNull(transport, "transport");
        allowedTools = Set.copyOf(allowedTools);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an MCP server has a name");
        }
    }

    public String kind() {
        return transport instanceof Transport.Stdio ? "stdio" : "streamable-http";
    }
}
