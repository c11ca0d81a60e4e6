package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.ToolDefinition;
import dev.vctt.stream.application.port.out.ToolExecutor;
import dev.vctt.stream.application.port.out.ToolOutcome;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** No tools at all: what a server without MCP servers configured runs with. */
public final class NoTools implements ToolExecutor {

    public static final ToolExecutor INSTANCE = new NoTools();

    private NoTools() {
    }

    @Override
    public List<ToolDefinition> tools() {
        return List.of();
    }

    @Override
    public ToolCallHandle call(ToolDefinition tool, String argumentsJson, Duration timeout, Consumer<ToolOutcome> onEnd) {
        onEnd.accept(new ToolOutcome.Broke("no tool server is configured"));
        return () -> {
        };
    }
}
