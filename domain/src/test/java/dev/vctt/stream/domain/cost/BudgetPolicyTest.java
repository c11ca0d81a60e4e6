package dev.vctt.stream.domain.cost;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetPolicyTest {

    @ParameterizedTest(name = "limit {0}, spent {1}, reserved {2}, needs {3} -> {4}")
    @CsvSource(nullValues = "-", value = {
            // limit, spent, reserved, needed, allowed, left when refused
            "1.00, 0,    0,    1.00,   true,  -",
            "1.00, 0,    0,    1.0001, false, 1.00",
            "1.00, 0.40, 0.30, 0.30,   true,  -",
            "1.00, 0.40, 0.30, 0.31,   false, 0.30",
            "1.00, 1.20, 0,    0.01,   false, 0",
            "0,    0,    0,    0,      true,  -",
            "0,    0,    0,    0.0000000001, false, 0",
    })
    void a_request_fits_when_its_worst_case_fits_what_is_left(String limit, String spent, String reserved, String needed,
                                                             boolean allowed, String left) {
        BudgetDecision decision = BudgetPolicy.decide(BudgetScope.KEY, Usd.of(limit), Usd.of(spent), Usd.of(reserved),
                Usd.of(needed));

        if (allowed) {
            assertThat(decision).isInstanceOf(BudgetDecision.Allowed.class);
        } else {
            assertThat(decision).isEqualTo(new BudgetDecision.Refused(BudgetScope.KEY, Usd.of(needed), Usd.of(left)));
        }
    }

    @Test
    void the_worst_case_bills_every_output_token_the_call_may_write() {
        assertThat(BudgetPolicy.worstCase(Price.perMillion("2.50", "10.00"), TokenCount.of(100), TokenCount.of(4096)))
                .isEqualTo(Usd.of("0.041210"));
    }

    @ParameterizedTest
    @CsvSource({"0.99, 1.00, false", "1.00, 1.00, true", "1.01, 1.00, true"})
    void a_stream_is_cut_once_its_cost_reaches_its_ceiling(String cost, String ceiling, boolean cut) {
        assertThat(BudgetPolicy.ceilingReached(Usd.of(cost), java.util.Optional.of(Usd.of(ceiling)))).isEqualTo(cut);
    }

    @Test
    void a_stream_without_a_ceiling_is_never_cut() {
        assertThat(BudgetPolicy.ceilingReached(Usd.of("1000000"), java.util.Optional.empty())).isFalse();
    }
}
