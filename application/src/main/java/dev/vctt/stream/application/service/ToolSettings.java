package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.ToolExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How streams use tools: who runs them, each server's allow-list (tool name → allowed), at most how
 * many model steps a stream takes, how long one call may run, and how many bytes of a result are kept.
 */
public record ToolSettings(ToolExecutor executor, Map<String, Set<String>> allowedByServer, int maxSteps,
                           Duration callTimeout, int resultBytes) {

    public static final int DEFAULT_MAX_STEPS = 8;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_RESULT_BYTES = 64 * 1024;

    public static final ToolSettings NONE = new ToolSettings(NoTools.INSTANCE, Map.of(), DEFAULT_MAX_STEPS,
            DEFAULT_TIMEOUT, DEFAULT_RESULT_BYTES);

    public ToolSettings {
        Objects.requireNonNull(executor, "executor");
        allowedByServer = Map.copyOf(allowedByServer);
        Objects.requireNonNull(callTimeout, "callTimeout");
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be at least 1");
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive");
        }
        if (resultBytes < 1) {
            throw new IllegalArgumentException("resultBytes must be positive");
        }
    }
}
