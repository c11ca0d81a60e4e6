package dev.vctt.stream.adapters.websocket.connection;

import java.nio.charset.StandardCharsets;

/**
 * Text the server sends must be well-formed UTF-16, or it cannot be encoded as UTF-8: Tyrus then
 * throws while framing it. Clients can put lone surrogates into anything the server echoes (an
 * escaped {@code "\ud800"} in JSON is legal), and cutting a string by {@code char}s can split a
 * pair; so echoed text is repaired, and cut only between code points.
 */
public final class WellFormedText {

    private static final char REPLACEMENT = '\uFFFD';

    private WellFormedText() {
    }

    /** The text with every lone surrogate replaced by U+FFFD; the same instance when there is none. */
    public static String repair(String text) {
        int bad = firstLoneSurrogate(text, 0);
        if (bad < 0) {
            return text;
        }
        var repaired = new StringBuilder(text.length()).append(text, 0, bad);
        int at = bad;
        while (at >= 0) {
            repaired.append(REPLACEMENT);
            int next = firstLoneSurrogate(text, at + 1);
            repaired.append(text, at + 1, next < 0 ? text.length() : next);
            at = next;
        }
        return repaired.toString();
    }

    /** At most {@code maxCodePoints} code points of the text, then "…" if anything was cut. */
    public static String shorten(String text, int maxCodePoints) {
        if (text.codePointCount(0, text.length()) <= maxCodePoints) {
            return repair(text);
        }
        return repair(text.substring(0, text.offsetByCodePoints(0, maxCodePoints))) + "…";
    }

    /** The longest start of the repaired text, cut between code points, whose UTF-8 form fits in {@code maxBytes}. */
    public static String fitUtf8(String text, int maxBytes) {
        String repaired = repair(text);
        if (repaired.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return repaired;
        }
        int bytes = "…".getBytes(StandardCharsets.UTF_8).length;
        int end = 0;
        while (end < repaired.length()) {
            int codePoint = repaired.codePointAt(end);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return repaired.substring(0, end) + "…";
    }

    private static int firstLoneSurrogate(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
