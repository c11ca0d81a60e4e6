package dev.vctt.stream.domain.quality;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How one stream went for its client: the gaps between chunks (p50, p99), the rate tokens came at once
 * the first arrived, what was sent, how often a client resumed it, and the waste: output tokens billed
 * that nobody received, because the client had left or cancelled.
 */
public record StreamQuality(OptionalDouble gapP50Ms, OptionalDouble gapP99Ms, OptionalDouble tokensPerSecond,
                            long chunksSent, long bytesSent, int resumes, long wasteTokens) {

    public StreamQuality {
        Objects.requireNonNull(gapP50Ms, "gapP50Ms");
        Objects.requireNonNull(gapP99Ms, "gapP99Ms");
        Objects.requireNonNull(tokensPerSecond, "tokensPerSecond");
        if (chunksSent < 0 || bytesSent < 0 || resumes < 0 || wasteTokens < 0) {
            throw new IllegalArgumentException("counts are never negative");
        }
    }

    /** Nothing known: a session stored before these figures were kept, or one that never started. */
    public static StreamQuality unknown() {
        return new StreamQuality(OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), 0, 0, 0, 0);
    }

    /**
     * Output tokens per second between the first token and the end; unknown without a first token or
     * when they coincide (one chunk and done: no rate to speak of).
     */
    public static OptionalDouble tokensPerSecond(long outputTokens, Optional<Instant> firstTokenAt, Instant endedAt) {
        if (firstTokenAt.isEmpty()) {
            return OptionalDouble.empty();
        }
        Duration streaming = Duration.between(firstTokenAt.get(), endedAt);
        if (streaming.isNegative() || streaming.isZero()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(outputTokens * 1_000_000_000.0 / streaming.toNanos());
    }

    /**
     * The tokens billed that nobody received: everything past what had been produced when the last
     * listener left or the cancel was asked for. Nothing when someone was listening to the end.
     */
    public static long waste(long billedOutputTokens, Optional<Long> producedWhenLastListenerLeft) {
        return producedWhenLastListenerLeft.map(left -> Math.max(0, billedOutputTokens - left)).orElse(0L);
    }
}
