package dev.vctt.stream.domain.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceTest {

    @ParameterizedTest(name = "{0}/{1} per M, {2} in + {3} out = {4}")
    @CsvSource({
            "2.50,  10.00, 19,      7,  0.0001175",
            "2.50,  10.00, 0,       0,  0",
            "2.50,  10.00, 1000000, 0,  2.5",
            "3.00,  15.00, 21,      12, 0.000243",
            "0.20,  0.50,  120,     85, 0.0000665",
            "0.075, 0.30,  1,       0,  0.000000075",
            "0,     0,     5000,    5000, 0",
    })
    void costs_tokens_at_the_price_per_million(String in, String out, long input, long output, String cost) {
        Price price = Price.perMillion(in, out);
        assertThat(price.costOf(TokenCount.of(input), TokenCount.of(output))).isEqualTo(Usd.of(cost));
    }

    @Test
    void refuses_a_negative_price() {
        assertThatThrownBy(() -> Price.perMillion("-1", "2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }
}
