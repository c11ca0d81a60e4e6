package dev.vctt.stream.adapters.websocket.socketio;

import java.util.OptionalLong;

/** The offsets of connection state recovery on the wire: a connection's event number, in base 36. */
final class Offsets {

    private static final int MAX_CHARS = 13;

    private Offsets() {
    }

    static String format(long offset) {
        return Long.toString(offset, Character.MAX_RADIX);
    }

    /** The offset a client sent back, or empty if it is none of ours. */
    static OptionalLong parse(String text) {
        if (text.isEmpty() || text.length() > MAX_CHARS) {
            return OptionalLong.empty();
        }
        try {
            long offset = Long.parseLong(text, Character.MAX_RADIX);
            return offset > 0 ? OptionalLong.of(offset) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
