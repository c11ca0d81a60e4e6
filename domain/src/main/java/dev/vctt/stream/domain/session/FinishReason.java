package dev.vctt.stream.domain.session;

import java.util.Locale;

/** Why an answer ended without an error. */
public enum FinishReason {
    /** The model finished its answer. */
    STOP,
    /** The model reached the output token limit. */
    LENGTH,
    /** The provider withheld the rest of the answer. */
    CONTENT_FILTER,
    /** The model asked for tools to be run. */
    TOOL_CALLS,
    /** The client cancelled the stream or went away. */
    CANCELLED,
    /** The stream was cut because its cost reached the remaining budget. */
    BUDGET,
    /** The model still asked for tools when the stream's step limit was reached. */
    TOOL_STEPS,
    /** The server stopped (a crash) before the answer ended; what it had kept is the answer. */
    INTERRUPTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
