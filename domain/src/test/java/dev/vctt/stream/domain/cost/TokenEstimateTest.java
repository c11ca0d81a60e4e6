package dev.vctt.stream.domain.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenEstimateTest {

    @ParameterizedTest(name = "{0} chars ~ {1} tokens")
    @CsvSource({"0,0", "1,1", "3,1", "4,1", "5,2", "8,2", "9,3", "400,100", "401,101"})
    void counts_about_four_characters_per_token_rounding_up(long chars, long tokens) {
        assertThat(TokenEstimate.ofChars(chars)).isEqualTo(TokenCount.of(tokens));
    }

    @Test
    void estimates_a_text_by_its_length() {
        assertThat(TokenEstimate.ofText("Hello there")).isEqualTo(TokenCount.of(3));
    }

    @Test
    void refuses_negative_lengths() {
        assertThatThrownBy(() -> TokenEstimate.ofChars(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenCount.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
