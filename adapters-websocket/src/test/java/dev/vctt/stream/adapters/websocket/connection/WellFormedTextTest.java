package dev.vctt.stream.adapters.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.CharBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WellFormedTextTest {

    private static final String EMOJI = "\uD83D\uDE00";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "plain|plain",
            "\uD800|\uFFFD",
            "a\uDC00b|a\uFFFDb",
            "\uDC00\uD800|\uFFFD\uFFFD",
            "x\uD83D|x\uFFFD",
            "\uD83D\uDE00\uD83D|\uD83D\uDE00\uFFFD",
            "\u0000nul|\u0000nul"})
    void lone_surrogates_become_replacement_characters_and_pairs_stay(String text, String repaired) {
        assertThat(WellFormedText.repair(text)).isEqualTo(repaired);
        assertStrictlyEncodable(WellFormedText.repair(text));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 39, 40, 41})
    void shortening_never_splits_a_pair(int max) {
        String text = EMOJI.repeat(50);

        String shorter = WellFormedText.shorten(text, max);

        assertThat(shorter).isEqualTo(EMOJI.repeat(max) + "…");
        assertStrictlyEncodable(shorter);
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5, 6, 7, 8, 123})
    void fitting_utf8_bytes_never_splits_a_pair_nor_exceeds_the_bytes(int maxBytes) {
        String text = "a" + EMOJI.repeat(100) + "\uD800";

        String fitted = WellFormedText.fitUtf8(text, maxBytes);

        assertThat(fitted.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(maxBytes);
        assertThat(fitted).endsWith("…");
        assertStrictlyEncodable(fitted);
    }

    /** What Tyrus does with a frame: a strict encoder that refuses malformed input. */
    private static void assertStrictlyEncodable(String text) {
        try {
            StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
        } catch (CharacterCodingException e) {
            throw new AssertionError("not encodable: " + text.codePoints().mapToObj(Integer::toHexString).toList(), e);
        }
    }
}
