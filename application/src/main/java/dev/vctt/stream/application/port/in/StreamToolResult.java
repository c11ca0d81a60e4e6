package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A tool call ended: {@code ok} unless it failed, timed out, was refused or cancelled; {@code content}
 * is the result (capped, {@code truncated} when cut) or what went wrong. {@code index} as in
 * {@link StreamToolCall}.
 */
public record StreamToolResult(SessionId sessionId, String toolCallId, boolean ok, String content, boolean truncated,
                               Duration duration, int index, Instant at) {

    public StreamToolResult {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(at, "at");
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
    }
}
