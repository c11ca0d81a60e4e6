package dev.vctt.stream.adapters.websocket.http;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Writes every UTF-16 surrogate as a JSON escape (backslash, u, four hex digits). A stored text may
 * hold a lone surrogate (clients can send one as an escape); written raw, it has no UTF-8 form and
 * would reach the reader as {@code ?}. Escaped, the reader's JSON parser restores it exactly, and a
 * well-formed pair, escaped half by half, still reads back as the same character.
 */
final class SurrogateEscapes extends CharacterEscapes {

    static final SurrogateEscapes INSTANCE = new SurrogateEscapes();

    private final int[] ascii = standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
        return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        return Character.isSurrogate((char) ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
    }
}
