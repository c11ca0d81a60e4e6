package dev.vctt.stream.domain.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetUseTest {

    @ParameterizedTest
    @CsvSource({
            "0,          5,    0.00",
            "1.25,       5,    25.00",
            "5,          5,    100.00",
            "7.5,        5,    150.00",
            "0.0000004,  0.01, 0.00",
            "0.0012345,  0.01, 12.34",
    })
    void is_the_percent_of_the_daily_budget_spent(String spent, String daily, String percent) {
        // when
        var use = BudgetUse.of(Usd.of(spent), Usd.of(daily));

        // then
        assertThat(use).contains(new BudgetUse(new BigDecimal(percent)));
    }

    @Test
    void a_zero_budget_has_no_share() {
        assertThat(BudgetUse.of(Usd.of("1"), Usd.ZERO)).isEmpty();
    }

    @Test
    void rejects_negative_amounts() {
        assertThatThrownBy(() -> BudgetUse.of(Usd.of("-1"), Usd.of("5"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BudgetUse(new BigDecimal("-0.5"))).hasMessageContaining("percent");
    }
}
