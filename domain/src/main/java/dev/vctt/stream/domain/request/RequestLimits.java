package dev.vctt.stream.domain.request;

/**
 * The bounds a request must stay within. Lengths count UTF-16 code units, as JavaScript's
 * {@code String.length} does on the client.
 */
public record RequestLimits(
        int maxMessageChars,
        int maxSystemPromptChars,
        int maxHistoryEntries,
        int maxHistoryChars,
        int maxOutputTokens) {

    public static final RequestLimits DEFAULTS = new RequestLimits(32_000, 16_000, 100, 200_000, 16_384);

    public RequestLimits {
        requirePositive("maxMessageChars", maxMessageChars);
        requirePositive("maxSystemPromptChars", maxSystemPromptChars);
        if (maxHistoryEntries < 0) {
            throw new IllegalArgumentException("maxHistoryEntries must not be negative: " + maxHistoryEntries);
        }
        requirePositive("maxHistoryChars", maxHistoryChars);
        requirePositive("maxOutputTokens", maxOutputTokens);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
