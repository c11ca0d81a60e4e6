package dev.vctt.stream.application.port;

import java.util.Objects;

/**
 * One tool call of a session as it is kept and shown by {@code /api/sessions/{id}}: the model step that
 * asked for it (the first answer is step 1), its ids, how it ended, how long it took and how big its
 * result was before the byte cap. Never its arguments or result: those are the user's and the tool's.
 *
 * <p>{@code outcome} is {@code answered}, {@code error} (the tool reported one), {@code timed_out},
 * {@code failed} (refused, server down or died) or {@code cancelled}; {@code ok} only for {@code answered}.
 */
public record ToolCallRecord(int step, String toolCallId, String server, String name, String outcome, boolean ok,
                             boolean truncated, long bytes, long durationMs) {

    public ToolCallRecord {
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(outcome, "outcome");
        if (step < 1 || bytes < 0 || durationMs < 0) {
            throw new IllegalArgumentException("step is at least 1, bytes and durationMs not negative");
        }
    }
}
