package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.ToolCallRecord;
import dev.vctt.stream.application.port.out.BudgetLimit;
import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.application.port.out.ToolDefinition;
import dev.vctt.stream.application.port.out.ToolExecutor;
import dev.vctt.stream.application.port.out.ToolOutcome;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.request.ToolReply;
import dev.vctt.stream.domain.request.ToolUse;
import dev.vctt.stream.domain.tool.ToolAccess;
import dev.vctt.stream.domain.tool.ToolLoopPolicy;
import dev.vctt.stream.domain.tool.ToolResultCap;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The tool side of one stream: which tools it offers (deny by default), how many model steps it has
 * taken, and the calls of the step running now, run in parallel. {@link StreamRun} drives it under its
 * own lock; outcomes come back through {@link Step} from the executor's threads.
 */
final class ToolLoop {

    /** What the stream hears about one step's calls. */
    interface Step {
        void answered(ToolUse use, String server, ToolOutcome outcome, ToolResultCap.Capped shown, Duration took);

        void allAnswered(List<ToolUse> uses, List<ToolReply> replies);
    }

    static final ToolLoop OFF = new ToolLoop(ToolSettings.NONE, List.of(), List.of());

    private final ToolSettings settings;
    private final Map<String, ToolDefinition> offered = new LinkedHashMap<>();
    private final List<BudgetLimit> limits;
    private final List<ToolExecutor.ToolCallHandle> running = new CopyOnWriteArrayList<>();
    /** Every call that ended, for the session record; written under the stream's lock. */
    private final List<ToolCallRecord> records = new CopyOnWriteArrayList<>();
    /** Set by {@link #cancel}: a call started after it (the cancel came between a step's events and its calls) stops at once. */
    private volatile boolean cancelled;
    private int steps = 1;
    private int calls;

    private ToolLoop(ToolSettings settings, List<ToolDefinition> tools, List<BudgetLimit> limits) {
        this.settings = settings;
        this.limits = List.copyOf(limits);
        tools.forEach(tool -> offered.putIfAbsent(tool.name(), tool));
    }

    /** The tools this stream may offer: of those up, the ones both allow-lists name. */
    static ToolLoop offer(ToolSettings settings, boolean enableTools, Caller caller, List<BudgetLimit> limits) {
        if (!enableTools) {
            return new ToolLoop(settings, List.of(), limits);
        }
        List<ToolDefinition> allowed = settings.executor().tools().stream()
                .filter(tool -> ToolAccess.allowed(tool.name(),
                        settings.allowedByServer().getOrDefault(tool.server(), Set.of()), caller.tools()))
                .toList();
        return new ToolLoop(settings, allowed, limits);
    }

    List<ToolDefinition> offered() {
        return List.copyOf(offered.values());
    }

    boolean active() {
        return !offered.isEmpty();
    }

    List<BudgetLimit> limits() {
        return limits;
    }

    int steps() {
        return steps;
    }

    int calls() {
        return calls;
    }

    /** The calls that ended so far, in the order they ended. */
    List<ToolCallRecord> records() {
        return List.copyOf(records);
    }

    ToolLoopPolicy.NextStep next() {
        return ToolLoopPolicy.after(steps, settings.maxSteps());
    }

    void stepStarted() {
        steps++;
    }

    Duration timeout() {
        return settings.callTimeout();
    }

    /** The server that runs {@code tool}, or empty text when it is not offered (then it is refused). */
    String serverOf(String tool) {
        ToolDefinition definition = offered.get(tool);
        return definition == null ? "" : definition.server();
    }

    /**
     * Starts every call of a step at once; {@code step} hears each outcome and then the whole step,
     * always holding {@code lock} (the stream's own lock, so there is one lock and one order).
     */
    void run(List<ToolCall> toolCalls, InstantSource clock, Object lock, Step step) {
        calls += toolCalls.size();
        int stepNumber = steps;
        running.clear();
        var uses = toolCalls.stream().map(call -> new ToolUse(call.id(), call.name(), call.argumentsJson())).toList();
        var replies = new ToolReply[toolCalls.size()];
        int[] left = {toolCalls.size()};
        for (int i = 0; i < toolCalls.size(); i++) {
            int slot = i;
            ToolUse use = uses.get(i);
            Instant started = clock.instant();
            ToolDefinition tool = offered.get(use.name());
            Consumer<ToolOutcome> onEnd = outcome -> {
                Duration took = Duration.between(started, clock.instant());
                String text = switch (outcome) {
                    case ToolOutcome.Answered answered -> answered.content();
                    case ToolOutcome.TimedOut timedOut ->
                            "the tool did not answer within " + settings.callTimeout().toMillis() + " ms";
                    case ToolOutcome.Broke broke -> "the tool call failed: " + broke.detail();
                    case ToolOutcome.Cancelled cancelled -> "the tool call was cancelled";
                };
                boolean error = !(outcome instanceof ToolOutcome.Answered answered) || answered.error();
                ToolResultCap.Capped shown = ToolResultCap.cap(text, settings.resultBytes());
                synchronized (lock) {
                    records.add(record(stepNumber, use, tool, outcome, text, shown, took));
                    replies[slot] = new ToolReply(use.id(), shown.forModel(settings.resultBytes()), error);
                    step.answered(use, tool == null ? "" : tool.server(), outcome, shown, took);
                    if (--left[0] == 0) {
                        step.allAnswered(uses, List.of(replies));
                    }
                }
            };
            if (tool == null) {
                onEnd.accept(new ToolOutcome.Broke("tool " + use.name() + " is not available to this stream"));
            } else {
                ToolExecutor.ToolCallHandle handle = settings.executor().call(tool, use.argumentsJson(),
                        settings.callTimeout(), onEnd);
                running.add(handle);
                if (cancelled) {
                    handle.cancel();
                }
            }
        }
    }

    private static ToolCallRecord record(int step, ToolUse use, ToolDefinition tool, ToolOutcome outcome, String text,
                                         ToolResultCap.Capped shown, Duration took) {
        String ended = switch (outcome) {
            case ToolOutcome.Answered answered -> answered.error() ? "error" : "answered";
            case ToolOutcome.TimedOut timedOut -> "timed_out";
            case ToolOutcome.Broke broke -> "failed";
            case ToolOutcome.Cancelled cancelled -> "cancelled";
        };
        long bytes = outcome instanceof ToolOutcome.Answered ? ToolResultCap.utf8Bytes(text) : 0;
        return new ToolCallRecord(step, use.id(), tool == null ? "" : tool.server(), use.name(), ended,
                ended.equals("answered"), shown.truncated(), bytes, Math.max(0, took.toMillis()));
    }

    /** Stops every call of the running step; each then ends as cancelled. */
    void cancel() {
        cancelled = true;
        for (ToolExecutor.ToolCallHandle handle : List.copyOf(running)) {
            handle.cancel();
        }
    }
}
