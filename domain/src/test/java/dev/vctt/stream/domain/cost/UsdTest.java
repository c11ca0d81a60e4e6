package dev.vctt.stream.domain.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsdTest {

    @Test
    void amounts_equal_whatever_scale_they_were_written_with() {
        assertThat(Usd.of("1.5")).isEqualTo(Usd.of("1.5000000000")).isEqualTo(new Usd(new BigDecimal("1.50")));
        assertThat(Usd.of("1.5").hashCode()).isEqualTo(Usd.of("1.500").hashCode());
    }

    @ParameterizedTest
    @CsvSource({
            "0,             0",
            "0.0000,        0",
            "1.50,          1.5",
            "0.0000175,     0.0000175",
            "0.00000000005, 0",
            "0.00000000015, 0.0000000002",
            "1E-7,          0.0000001",
            "-2.25,         -2.25",
    })
    void renders_plainly_rounded_to_ten_decimals(String written, String rendered) {
        assertThat(Usd.of(written).toPlainString()).isEqualTo(rendered);
    }

    @Test
    void adds_and_subtracts_exactly() {
        Usd sum = Usd.ZERO;
        for (int i = 0; i < 10; i++) {
            sum = sum.plus(Usd.of("0.1"));
        }
        assertThat(sum).isEqualTo(Usd.of("1"));
        assertThat(Usd.of("1").minus(Usd.of("1.25"))).isEqualTo(Usd.of("-0.25"));
        assertThat(Usd.of("-0.25").isNegative()).isTrue();
    }

    @Test
    void refuses_null() {
        assertThatThrownBy(() -> new Usd(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("amount");
    }
}
