package dev.vctt.stream.domain.smoothing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a stream's text is smoothed: where chunks may be cut, and the window that bounds both how
 * often a chunk goes out and how long any text is held. A zero window is off: every delta goes out
 * as the provider sent it.
 */
public record Smoothing(Chunking chunking, Duration maxDelay) {

    /** The longest window a request may ask for. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(1);
    /** The window of a request that names only its chunking. */
    public static final Duration DEFAULT_DELAY = Duration.ofMillis(30);
    /** The chunking of a request that names only its window. */
    public static final Chunking DEFAULT_CHUNKING = Chunking.WORD;
    public static final Smoothing OFF = new Smoothing(Chunking.NONE, Duration.ZERO);

    public Smoothing {
        Objects.requireNonNull(chunking, "chunking");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxDelay.isNegative() || maxDelay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("maxDelay must be between 0 and " + MAX_DELAY.toMillis() + " ms: " + maxDelay);
        }
    }

    public static boolean isAllowedDelayMillis(long millis) {
        return millis >= 0 && millis <= MAX_DELAY.toMillis();
    }

    public boolean isOff() {
        return maxDelay.isZero();
    }

    /**
     * Reads the server's setting: {@code off}, or {@code chunking:maxDelayMs} such as {@code word:30},
     * {@code line:50} or {@code none:20}. Empty when the text is neither.
     */
    public static Optional<Smoothing> parse(String text) {
        String value = text.strip();
        if (value.equals("off")) {
            return Optional.of(OFF);
        }
        int colon = value.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        Optional<Chunking> chunking = Chunking.fromWireName(value.substring(0, colon));
        long millis;
        try {
            millis = Long.parseLong(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (chunking.isEmpty() || !isAllowedDelayMillis(millis)) {
            return Optional.empty();
        }
        return Optional.of(new Smoothing(chunking.get(), Duration.ofMillis(millis)));
    }

    /** The form {@link #parse} reads. */
    public String describe() {
        return isOff() ? "off" : chunking.wireName() + ":" + maxDelay.toMillis();
    }
}
