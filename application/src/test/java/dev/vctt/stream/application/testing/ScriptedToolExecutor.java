package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.ToolDefinition;
import dev.vctt.stream.application.port.out.ToolExecutor;
import dev.vctt.stream.application.port.out.ToolOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** Tools whose calls the test answers (or leaves running): each call waits in a queue for the test. */
public final class ScriptedToolExecutor implements ToolExecutor {

    /** One call the server received. */
    public static final class Call {
        private final ToolDefinition tool;
        private final String argumentsJson;
        private final Consumer<ToolOutcome> onEnd;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile boolean cancelled;

        Call(ToolDefinition tool, String argumentsJson, Consumer<ToolOutcome> onEnd) {
            this.tool = tool;
            this.argumentsJson = argumentsJson;
            this.onEnd = onEnd;
        }

        public ToolDefinition tool() {
            return tool;
        }

        public String argumentsJson() {
            return argumentsJson;
        }

        public boolean cancelled() {
            return cancelled;
        }

        public void answer(String content) {
            end(new ToolOutcome.Answered(content, false));
        }

        public void end(ToolOutcome outcome) {
            if (ended.compareAndSet(false, true)) {
                onEnd.accept(outcome);
            }
        }
    }

    private final List<ToolDefinition> tools;
    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();

    public ScriptedToolExecutor(ToolDefinition... tools) {
        this.tools = List.of(tools);
    }

    public static ToolDefinition tool(String server, String name) {
        return new ToolDefinition(name, server, "the " + name + " tool", "{\"type\":\"object\"}");
    }

    @Override
    public List<ToolDefinition> tools() {
        return tools;
    }

    @Override
    public ToolCallHandle call(ToolDefinition tool, String argumentsJson, Duration timeout, Consumer<ToolOutcome> onEnd) {
        var call = new Call(tool, argumentsJson, onEnd);
        calls.add(call);
        return () -> {
            call.cancelled = true;
            call.end(new ToolOutcome.Cancelled());
        };
    }

    /** The next call the tools received, waiting for it up to a deadline. */
    public Call nextCall() {
        try {
            Call call = calls.poll(10, TimeUnit.SECONDS);
            if (call == null) {
                throw new AssertionError("no tool call arrived within 10 s");
            }
            return call;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public int pending() {
        return calls.size();
    }
}
