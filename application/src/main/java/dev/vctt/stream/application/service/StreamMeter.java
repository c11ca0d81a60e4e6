package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.quality.GapHistogram;
import dev.vctt.stream.domain.quality.StreamQuality;
import dev.vctt.stream.domain.session.Ended;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One stream's running figures, updated in place on the chunk path (no allocation per chunk) and read
 * once, when the session is recorded. Guarded by its {@link StreamRun}'s lock.
 */
final class StreamMeter {

    private static final long NOBODY_LEFT = -1;

    private final GapHistogram gaps = new GapHistogram();
    private Instant lastChunkAt;
    private long chunksSent;
    private long bytesSent;
    private long produced;
    private int resumes;
    private long producedWhenLastLeft = NOBODY_LEFT;

    /** A chunk came from the model, making {@code producedSoFar} output tokens; {@code delivered} when someone listened. */
    void chunk(Instant at, CharSequence text, long producedSoFar, boolean delivered) {
        if (lastChunkAt != null) {
            gaps.record(Duration.between(lastChunkAt, at));
        }
        lastChunkAt = at;
        produced = producedSoFar;
        if (delivered) {
            chunksSent++;
            bytesSent += utf8Length(text);
        }
    }

    /** The last listener left, or asked to cancel: what comes after this is billed for nobody. */
    void nobodyListening() {
        if (producedWhenLastLeft == NOBODY_LEFT) {
            producedWhenLastLeft = produced;
        }
    }

    void resumed() {
        resumes++;
        producedWhenLastLeft = NOBODY_LEFT;
    }

    StreamQuality quality(Ended session) {
        long billed = session.metering().usage().output().value();
        return new StreamQuality(gaps.quantileMillis(0.5), gaps.quantileMillis(0.99),
                StreamQuality.tokensPerSecond(billed, session.firstTokenAt(), session.endedAt()), chunksSent, bytesSent,
                resumes, StreamQuality.waste(billed,
                        producedWhenLastLeft == NOBODY_LEFT ? Optional.empty() : Optional.of(producedWhenLastLeft)));
    }

    private static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
