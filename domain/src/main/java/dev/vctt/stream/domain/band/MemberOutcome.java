package dev.vctt.stream.domain.band;

import java.util.Locale;

/** How one member of a band ended. */
public enum MemberOutcome {
    /** It answered (its model finished, or reached its token limit). */
    COMPLETED,
    /** It was cancelled: by the client, by {@code band_cancel}, or as a straggler once the quorum had answered. */
    CANCELLED,
    /** It was cut because the band's budget was spent. */
    BUDGET,
    /** It was still running when the member timeout passed. */
    TIMED_OUT,
    /** Every model it tried failed. */
    FAILED,
    /** It could not start (too many streams on the connection, the store down). */
    REFUSED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
