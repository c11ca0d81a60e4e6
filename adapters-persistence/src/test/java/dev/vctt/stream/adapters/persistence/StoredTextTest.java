package dev.vctt.stream.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.adapters.persistence.StoredText.Column;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StoredTextTest {

    /** Characters that make trouble, and ordinary ones, drawn at random: every text must come back as it was. */
    private static final char[] ALPHABET = {'a', 'Z', ' ', '\\', '0', 'u', 'D', '8', '\0', '\uD800', '\uDBFF', '\uDC00',
        '\uDFFF', '\uFFFD', '\uFFFF', '\u00E9', '\n', '"', '\''};

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            plain text stays as it is        | plain       | plain             | false
            a backslash alone needs nothing  | a\\b        | a\\b              | false
            NUL is escaped                   | a<NUL>b     | a\\0b             | true
            a backslash next to NUL doubles  | \\<NUL>     | \\\\\\0           | true
            a lone high surrogate            | x<D800>     | x\\uD800          | true
            a lone low surrogate             | <DC01>y     | \\uDC01y          | true
            a pair stays a pair              | <D83D><DE00><NUL> | <D83D><DE00>\\0 | true
            a reversed pair is two lone ones | <DE00><D83D> | \\uDE00\\uD83D   | true
            """)
    void text_postgresql_cannot_hold_is_escaped_and_flagged(String name, String original, String stored, boolean escaped) {
        Column column = Column.of(decode(original));

        assertThat(column.value()).isEqualTo(decode(stored));
        assertThat(column.escaped()).isEqualTo(escaped);
        assertThat(Column.read(column.value(), column.escaped())).isEqualTo(decode(original));
    }

    @RepeatedTest(200)
    void any_text_round_trips_exactly_and_its_stored_form_holds_no_nul_and_no_lone_surrogate() {
        var random = new SplittableRandom();
        var text = new StringBuilder();
        for (int i = random.nextInt(40); i > 0; i--) {
            text.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        String original = text.toString();

        Column column = Column.of(original);

        assertThat(Column.read(column.value(), column.escaped())).isEqualTo(original);
        assertThat(StoredText.needsEscape(column.value())).as("stored form fits PostgreSQL text").isFalse();
        if (!column.escaped()) {
            assertThat(column.value()).as("ordinary text is stored as it is").isSameAs(original);
        }
    }

    @ParameterizedTest
    @CsvSource({"ends in \\", "\\x unknown", "\\u12", "\\uZZZZ"})
    void a_damaged_escaped_value_is_refused_rather_than_misread(String stored) {
        assertThatThrownBy(() -> StoredText.unescape(stored)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            fine                 | fine
            bad<NUL>byte         | bad<FFFD>byte
            half<D800>           | half<FFFD>
            <D83D><DE00> kept    | <D83D><DE00> kept
            """)
    void diagnostics_replace_what_postgresql_cannot_hold(String original, String sanitized) {
        assertThat(StoredText.sanitized(decode(original))).isEqualTo(decode(sanitized));
    }

    /** {@code <NUL>} and {@code <XXXX>} (hex) stand for characters a CSV source cannot carry. */
    private static String decode(String notation) {
        var out = new StringBuilder();
        var matcher = java.util.regex.Pattern.compile("<(NUL|[0-9A-F]{4})>").matcher(notation);
        int last = 0;
        while (matcher.find()) {
            out.append(notation, last, matcher.start());
            out.append(matcher.group(1).equals("NUL") ? '\0' : (char) Integer.parseInt(matcher.group(1), 16));
            last = matcher.end();
        }
        return out.append(notation.substring(last)).toString();
    }
}
