package dev.vctt.stream.domain.smoothing;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a smoothed stream may cut held text into a chunk. */
public enum Chunking {
    /** Anywhere: text is only coalesced in time, never re-cut. */
    NONE,
    /** After a word and the whitespace that follows it ({@code "Hello "}), so no word is split. */
    WORD,
    /** After a line feed, so every chunk but the last ends a line. */
    LINE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Chunking> fromWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName().equals(name)).findFirst();
    }

    /**
     * How much of {@code held} is ready to go: the length of its longest prefix that ends at a
     * boundary, 0 when none does. A cut never falls inside a surrogate pair (it follows a
     * whitespace or line feed character, or takes everything).
     */
    public int readyLength(CharSequence held) {
        return switch (this) {
            case NONE -> held.length();
            case WORD -> afterLastWord(held);
            case LINE -> afterLastLineFeed(held);
        };
    }

    /** The end of the last whitespace run that follows a word: a run with nothing before it is no boundary. */
    private static int afterLastWord(CharSequence held) {
        int i = held.length() - 1;
        while (i >= 0 && !Character.isWhitespace(held.charAt(i))) {
            i--;
        }
        int end = i + 1;
        while (i >= 0 && Character.isWhitespace(held.charAt(i))) {
            i--;
        }
        return i >= 0 ? end : 0;
    }

    private static int afterLastLineFeed(CharSequence held) {
        for (int i = held.length() - 1; i >= 0; i--) {
            if (held.charAt(i) == '\n') {
                return i + 1;
            }
        }
        return 0;
    }
}
