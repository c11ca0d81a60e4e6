package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.cost.ReportedUsage;

/**
 * Receives one provider stream. New callbacks are added as {@code default} methods, so existing
 * listeners keep compiling.
 *
 * <p>Callbacks come one at a time, in order, never on the thread that started the stream, and
 * none after {@link #onEnd}. The per-chunk ones ({@link #onDelta}, {@link #onUsage},
 * {@link #onToolCall}) may come on the adapter's I/O thread, the one that read the bytes, which
 * serves other streams too: they must not block (queue, don't wait). {@link #onEnd} comes on a
 * virtual thread and may block (it writes the session).
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
