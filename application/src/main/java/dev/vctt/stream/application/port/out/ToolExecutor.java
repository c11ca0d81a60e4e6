package dev.vctt.stream.application.port.out;

import dev.vctt.stream.application.port.ToolServerStatus;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * For running the tools a model asks for (on MCP servers). Only tools named by a server's allow-list
 * are ever listed or run; anything else is refused without reaching a server.
 */
public interface ToolExecutor {

    /** The allowed tools that can be offered now (of servers that are up). */
    List<ToolDefinition> tools();

    /**
     * Starts a call and returns at once; {@code onEnd} gets the outcome exactly once, on another
     * thread, at the latest when {@code timeout} has passed ({@link ToolOutcome.TimedOut}).
     */
    ToolCallHandle call(ToolDefinition tool, String argumentsJson, Duration timeout, Consumer<ToolOutcome> onEnd);

    /** Each configured server, for {@code /health}. */
    default List<ToolServerStatus> servers() {
        return List.of();
    }

    /** A running tool call. */
    interface ToolCallHandle {
        /**
         * Stops waiting, tells the server to cancel the call, and ends it with
         * {@link ToolOutcome.Cancelled} unless it had already ended. Idempotent.
         */
        void cancel();
    }
}
