package dev.vctt.stream.adapters.websocket.connection;

import java.time.Duration;

/**
 * Per-connection limits. A text frame above {@code maxFrameBytes} is answered with
 * {@code MESSAGE_TOO_LARGE} and the connection stays open; the transport refuses outright (closing
 * the connection) a frame above four times that, so a huge frame is never held in memory. The outbox
 * holds at most {@code outboxChars} characters of frames for a client that does not read, with at
 * most {@code outboxWindow} of them handed to the transport at once. At most {@code maxPending}
 * stream starts, band starts and resumes (each a replay that may take long) are in progress at once;
 * more are refused with {@code TOO_MANY_STREAMS}, so a client firing a thousand resumes gets a
 * thousand answers, not a thousand concurrent replays. A replay waits for a client that does not
 * read for at most {@code replayPatience}; then the client is shed as a slow reader (1013).
 */
public record ConnectionLimits(int maxFrameBytes, int outboxChars, int outboxWindow, int maxPending,
                               Duration replayPatience) {

    public static final int DEFAULT_MAX_PENDING = 16;
    public static final Duration DEFAULT_REPLAY_PATIENCE = Duration.ofSeconds(30);
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(64 * 1024, 1024 * 1024, 64);

    public ConnectionLimits {
        if (maxFrameBytes < 1024 || outboxChars < 1024 || outboxWindow < 1 || maxPending < 1
                || replayPatience.isNegative() || replayPatience.isZero()) {
            throw new IllegalArgumentException("connection limits too small: " + maxFrameBytes + ", " + outboxChars
                    + ", " + outboxWindow + ", " + maxPending + ", " + replayPatience);
        }
    }

    public ConnectionLimits(int maxFrameBytes, int outboxChars, int outboxWindow, int maxPending) {
        this(maxFrameBytes, outboxChars, outboxWindow, maxPending, DEFAULT_REPLAY_PATIENCE);
    }

    public ConnectionLimits(int maxFrameBytes, int outboxChars, int outboxWindow) {
        this(maxFrameBytes, outboxChars, outboxWindow, DEFAULT_MAX_PENDING);
    }

    public ConnectionLimits withReplayPatience(Duration patience) {
        return new ConnectionLimits(maxFrameBytes, outboxChars, outboxWindow, maxPending, patience);
    }

    /** The hard limit the transport enforces by closing the connection. */
    public int transportFrameBytes() {
        return maxFrameBytes * 4;
    }
}
