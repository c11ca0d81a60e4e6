package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.adapters.mcp.McpServerSpec;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class McpServersConfigTest {

    @Test
    void reads_stdio_and_streamable_http_servers_with_their_allow_lists() {
        List<McpServerSpec> servers = McpServersConfig.parse("VCTT_MCP_SERVERS", """
                [{"name": "everything", "command": "node", "args": ["index.js", "stdio"], "env": {"A": "1"},
                  "allowedTools": ["echo", "get-sum"]},
                 {"name": "remote", "url": "http://127.0.0.1:3001/mcp", "allowedTools": []}]""");

        assertThat(servers).containsExactly(
                new McpServerSpec("everything", new McpServerSpec.Transport.Stdio("node", List.of("index.js", "stdio"),
                        Map.of("A", "1")), Set.of("echo", "get-sum")),
                new McpServerSpec("remote", new McpServerSpec.Transport.StreamableHttp(
                        URI.create("http://127.0.0.1:3001/mcp")), Set.of()));
    }

    @Test
    void names_every_bad_entry_on_its_own_line() {
        assertThatThrownBy(() -> McpServersConfig.parse("VCTT_MCP_SERVERS", """
                [{"name": "a", "command": "x"},
                 {"name": "b", "command": "x", "url": "http://h/mcp", "allowedTools": []},
                 {"name": "c", "url": "ftp://h/mcp", "allowedTools": []},
                 {"name": "ok", "command": "x", "allowedTools": ["echo"]},
                 {"name": "ok", "command": "y", "allowedTools": ["echo"]}]"""))
                .isInstanceOf(ConfigException.class)
                .hasMessage(String.join(System.lineSeparator(),
                        "VCTT_MCP_SERVERS[0] (a): 'allowedTools' must list the tools it may run (deny by default)",
                        "VCTT_MCP_SERVERS[1] (b): give exactly one of 'command' (stdio) or 'url' (Streamable HTTP)",
                        "VCTT_MCP_SERVERS[2] (c): 'url' must be an http(s) URL",
                        "VCTT_MCP_SERVERS[4]: the name 'ok' is used twice"));
    }

    @Test
    void refuses_what_is_not_a_json_list() {
        assertThatThrownBy(() -> McpServersConfig.parse("VCTT_MCP_SERVERS", "[{"))
                .hasMessageStartingWith("VCTT_MCP_SERVERS is not valid JSON");
        assertThatThrownBy(() -> McpServersConfig.parse("VCTT_MCP_SERVERS", "/no/such/file.json"))
                .hasMessage("VCTT_MCP_SERVERS names a file that cannot be read: /no/such/file.json");
    }
}
