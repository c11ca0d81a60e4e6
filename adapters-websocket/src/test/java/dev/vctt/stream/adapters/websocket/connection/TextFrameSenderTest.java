package dev.vctt.stream.adapters.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextFrameSenderTest {

    /** RFC 6455 §5.2: FIN and opcode 1, no mask bit, then the length in 7, 7+16 or 7+64 bits, big-endian. */
    @ParameterizedTest(name = "{0} bytes of text: header {1}")
    @CsvSource({
            "0, 8100",
            "1, 8101",
            "125, 817d",
            "126, 817e007e",
            "65535, 817effff",
            "65536, 817f0000000000010000",
            "1000000, 817f00000000000f4240"})
    void the_length_takes_the_shortest_form_that_holds_it(int length, String header) {
        byte[] frame = TextFrameSender.frame("x".repeat(length));

        assertThat(hex(Arrays.copyOf(frame, header.length() / 2))).isEqualTo(header);
        assertThat(frame).hasSize(header.length() / 2 + length);
    }

    @ParameterizedTest
    @CsvSource({"é", "字", "🙂", "a é 字 🙂"})
    void the_payload_is_the_text_in_utf8(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = TextFrameSender.frame(text);

        assertThat(frame[1]).isEqualTo((byte) utf8.length);
        assertThat(Arrays.copyOfRange(frame, 2, frame.length)).isEqualTo(utf8);
    }

    private static String hex(byte[] bytes) {
        var out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b));
        }
        return out.toString();
    }
}
