package dev.vctt.stream.application.service;

import java.time.Duration;
import java.util.Objects;

/**
 * How long streams outlive their connections and how their chunks are kept.
 *
 * @param grace       a stream whose every listener left keeps generating this long for a resume
 * @param linger      an ended stream stays in memory this long, so a resume racing its end is served
 *                    from memory; and longer, until the store has written its last records
 * @param retention   an ended stream can be resumed from the database at least this long
 * @param flushEvery  the chunk log is handed to the store at least this often
 * @param flushChunks and as soon as a stream has this many chunks not yet handed over
 * @param maxEnded    at most this many ended streams are kept in memory for resumes; past it the one
 *                    that ended first leaves memory first (see {@link EndedStreams})
 */
public record ResumeSettings(Duration grace, Duration linger, Duration retention, Duration flushEvery, int flushChunks,
                             int maxEnded) {

    public static final int DEFAULT_MAX_ENDED = 10_000;

    public static final ResumeSettings DEFAULTS = new ResumeSettings(Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofHours(24), Duration.ofSeconds(1), 256);

    public ResumeSettings {
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(linger, "linger");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(flushEvery, "flushEvery");
        if (grace.isNegative() || linger.isNegative() || !retention.isPositive() || !flushEvery.isPositive()
                || flushChunks < 1 || maxEnded < 1) {
            throw new IllegalArgumentException("resume settings out of range: " + grace + ", " + linger + ", "
                    + retention + ", " + flushEvery + ", " + flushChunks + ", " + maxEnded);
        }
    }

    public ResumeSettings(Duration grace, Duration linger, Duration retention, Duration flushEvery, int flushChunks) {
        this(grace, linger, retention, flushEvery, flushChunks, DEFAULT_MAX_ENDED);
    }

    public ResumeSettings withGrace(Duration value) {
        return new ResumeSettings(value, linger, retention, flushEvery, flushChunks, maxEnded);
    }
}
