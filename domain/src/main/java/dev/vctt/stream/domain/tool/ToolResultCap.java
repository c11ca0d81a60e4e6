package dev.vctt.stream.domain.tool;

/**
 * A tool result is cut to a number of UTF-8 bytes (never inside a character) before the model or a
 * client sees it; the cut is marked in the text the model gets, so it knows the result is partial.
 */
public final class ToolResultCap {

    public static final String MARKER = "\n[result truncated by the server: it was longer than %d bytes]";

    private ToolResultCap() {
    }

    public record Capped(String content, boolean truncated) {
        /** The text for the model: the capped content, with the cut marked. */
        public String forModel(int maxBytes) {
            return truncated ? content + MARKER.formatted(maxBytes) : content;
        }
    }

    /** The size of {@code content} in UTF-8, as the cap counts it (a result's size before the cut). */
    public static long utf8Bytes(String content) {
        long bytes = 0;
        for (int i = 0; i < content.length(); ) {
            int codePoint = content.codePointAt(i);
            bytes += size(codePoint);
            i += Character.charCount(codePoint);
        }
        return bytes;
    }

    private static int size(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    public static Capped cap(String content, int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative");
        }
        int bytes = 0;
        int i = 0;
        while (i < content.length()) {
            int codePoint = content.codePointAt(i);
            int size = size(codePoint);
            if (bytes + size > maxBytes) {
                return new Capped(content.substring(0, i), true);
            }
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return new Capped(content, false);
    }
}
