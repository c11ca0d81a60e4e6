package dev.vctt.stream.domain.cost;

/**
 * The estimate used where no tokenizer and no provider figure is at hand: about four characters
 * per token, rounded up, so that a non-empty text is never free.
 */
public final class TokenEstimate {

    public static final int CHARS_PER_TOKEN = 4;

    private TokenEstimate() {
    }

    public static TokenCount ofChars(long chars) {
        if (chars < 0) {
            throw new IllegalArgumentException("chars must not be negative: " + chars);
        }
        return TokenCount.of((chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
    }

    public static TokenCount ofText(CharSequence text) {
        return ofChars(text.length());
    }
}
