package dev.vctt.stream.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.mcp.McpServerSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the configured MCP servers from JSON: a list of {@code {"name", "command", "args", "env",
 * "allowedTools"}} (stdio) or {@code {"name", "url", "allowedTools"}} (Streamable HTTP) objects. Kept
 * apart from {@link AppConfig} so a configuration file can feed it the same JSON tree later.
 *
 * <p>Every bad entry is reported on its own line, naming the entry; one bad entry stops start-up, so a
 * server never runs with tools other than those configured.
 */
final class McpServersConfig {

    private McpServersConfig() {
    }

    /** {@code value} is the JSON itself (it starts with {@code [}) or the path of a file holding it. */
    static List<McpServerSpec> parse(String variable, String value) {
        String text = value.strip();
        if (!text.startsWith("[")) {
            try {
                text = Files.readString(Path.of(text));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(variable + " names a file that cannot be read: " + value);
            }
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(variable + " is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new ConfigException(variable + " cannot be read as JSON");
        }
        return parse(variable, root);
    }

    static List<McpServerSpec> parse(String variable, JsonNode root) {
        if (root == null || !root.isArray()) {
            throw new ConfigException(variable + " must be a JSON list of MCP servers");
        }
        var specs = new ArrayList<McpServerSpec>();
        var problems = new ArrayList<String>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode entry = root.get(i);
            String where = variable + "[" + i + "]";
            try {
                McpServerSpec spec = entry(entry, where);
                if (!names.add(spec.name())) {
                    throw new ConfigException(where + ": the name '" + spec.name() + "' is used twice");
                }
                specs.add(spec);
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join(System.lineSeparator(), problems));
        }
        return List.copyOf(specs);
    }

    private static McpServerSpec entry(JsonNode entry, String where) {
        if (entry == null || !entry.isObject()) {
            throw new ConfigException(where + ": must be an object");
        }
        String name = entry.path("name").asText("");
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new ConfigException(where + ": 'name' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        where = where + " (" + name + ")";
        boolean stdio = entry.hasNonNull("command");
        boolean http = entry.hasNonNull("url");
        if (stdio == http) {
            throw new ConfigException(where + ": give exactly one of 'command' (stdio) or 'url' (Streamable HTTP)");
        }
        JsonNode allowed = entry.path("allowedTools");
        if (!allowed.isArray()) {
            throw new ConfigException(where + ": 'allowedTools' must list the tools it may run (deny by default)");
        }
        Set<String> tools = new LinkedHashSet<>();
        for (JsonNode tool : allowed) {
            if (!tool.isTextual() || tool.asText().isBlank()) {
                throw new ConfigException(where + ": 'allowedTools' holds a value that is not a tool name");
            }
            tools.add(tool.asText());
        }
        McpServerSpec.Transport transport;
        if (stdio) {
            List<String> args = new ArrayList<>();
            for (JsonNode arg : entry.path("args")) {
                args.add(arg.asText());
            }
            Map<String, String> env = new LinkedHashMap<>();
            entry.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            String command = entry.get("command").asText("");
            if (command.isBlank()) {
                throw new ConfigException(where + ": 'command' is empty");
            }
            transport = new McpServerSpec.Transport.Stdio(command, args, env);
        } else {
            URI url;
            try {
                url = URI.create(entry.get("url").asText(""));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": 'url' is not a URL");
            }
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                throw new ConfigException(where + ": 'url' must be an http(s) URL");
            }
            transport = new McpServerSpec.Transport.StreamableHttp(url);
        }
        return new McpServerSpec(name, transport, tools);
    }
}
