package dev.vctt.stream.adapters.persistence;

import java.util.HexFormat;

/**
 * Text PostgreSQL cannot hold, made storable and given back exactly. A {@code text} column refuses
 * U+0000, and a lone surrogate (half of a UTF-16 pair) has no UTF-8 form, so the driver would turn it
 * into {@code ?}. Both occur in what clients and models send.
 *
 * <p>Text without either is stored as it is. Text with either is stored escaped, and a flag column
 * beside it says so: a backslash becomes {@code \\}, U+0000 becomes {@code \0}, and a lone surrogate
 * becomes a backslash, {@code u} and four upper-case hex digits; everything else, well-formed surrogate pairs
 * included, is kept as it is. The escaped form holds neither character, so it always fits, and
 * {@link #unescape} restores the original exactly. The flag keeps this unambiguous: rows stored
 * before the escape existed, and ordinary text, are never read as escaped. (docs/architecture.md)
 */
public final class StoredText {

    private StoredText() {
    }

    /** Whether the text holds U+0000 or a lone surrogate, that is, must be stored escaped. */
    public static boolean needsEscape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return true;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    /** The escaped form (see the class comment); any text, whether it needs escaping or not. */
    public static String escape(String text) {
        var out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\0') {
                out.append("\\0");
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The original of an escaped text; a malformed escape means the row was damaged outside this code. */
    public static String unescape(String stored) {
        var out = new StringBuilder(stored.length());
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i + 1 >= stored.length()) {
                throw new IllegalArgumentException("escaped text ends in a lone backslash");
            }
            char next = stored.charAt(++i);
            switch (next) {
                case '\\' -> out.append('\\');
                case '0' -> out.append('\0');
                case 'u' -> {
                    if (i + 4 >= stored.length()) {
                        throw new IllegalArgumentException("escaped text ends in a cut \\u escape");
                    }
                    out.append((char) HexFormat.fromHexDigits(stored, i + 1, i + 5));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + next + " in escaped text");
            }
        }
        return out.toString();
    }

    /**
     * For diagnostics of ours (an error message, a provider's failure detail), where a faithful copy
     * is not worth a flag column: U+0000 and lone surrogates become U+FFFD, the replacement character.
     */
    public static String sanitized(String text) {
        if (!needsEscape(text)) {
            return text;
        }
        var out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(c == '\0' || Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** The text as stored, and whether it is the escaped form: what goes into a column and its flag. */
    public record Column(String value, boolean escaped) {
        public static Column of(String text) {
            return needsEscape(text) ? new Column(escape(text), true) : new Column(text, false);
        }

        /** Reads a column back: the original text, whatever the form it was stored in. */
        public static String read(String value, boolean escaped) {
            return value == null || !escaped ? value : unescape(value);
        }
    }
}
