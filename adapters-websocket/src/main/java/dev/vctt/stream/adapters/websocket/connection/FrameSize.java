package dev.vctt.stream.adapters.websocket.connection;

import java.nio.charset.StandardCharsets;

/** The UTF-8 size of a received text frame, computed only when the character count leaves doubt. */
public final class FrameSize {

    private FrameSize() {
    }

    public static boolean exceeds(String text, int maxBytes) {
        if (text.length() > maxBytes) {
            return true;
        }
        // a UTF-16 char encodes to at most 3 UTF-8 bytes
        if ((long) text.length() * 3 <= maxBytes) {
            return false;
        }
        return text.getBytes(StandardCharsets.UTF_8).length > maxBytes;
    }
}
