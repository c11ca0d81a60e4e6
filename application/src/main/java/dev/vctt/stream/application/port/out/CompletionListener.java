package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.cost.ReportedUsage;

/**
 * Receives one provider stream. New callbacks are added as {@code default} methods, so existing
 * listeners keep compiling.
 */
public interface CompletionListener {

    /** A piece of answer text, never empty, in order. */
    void onDelta(TextDelta delta);

    /** Token figures the provider reported; later reports override earlier ones part by part. */
    default void onUsage(ReportedUsage usage) {
    }

    /** A complete tool call; text never carries tool calls. */
    default void onToolCall(ToolCall call) {
    }

    /** The end of the stream, exactly once. */
    void onEnd(StreamOutcome outcome);
}
