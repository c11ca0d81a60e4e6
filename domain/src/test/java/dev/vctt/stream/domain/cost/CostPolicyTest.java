package dev.vctt.stream.domain.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CostPolicyTest {

    private static final Price GPT_4O = Price.perMillion("2.50", "10.00");

    @ParameterizedTest(name = "reported in={0} out={1} -> {2}/{3} {4} {5}")
    @CsvSource(nullValues = "-", value = {
            // reported input, reported output, billed input, billed output, source, cost
            "19, 7, 19, 7, REPORTED,  0.0001175",
            "-,  7, 10, 7, ESTIMATED, 0.000095",
            "19, -, 19, 3, ESTIMATED, 0.0000775",
            "-,  -, 10, 3, ESTIMATED, 0.000055",
            "0,  0, 0,  0, REPORTED,  0",
    })
    void bills_reported_tokens_and_estimates_only_what_was_not_reported(
            Long reportedIn, Long reportedOut, long billedIn, long billedOut, UsageSource source, String cost) {
        var reported = new ReportedUsage(Optional.ofNullable(reportedIn).map(TokenCount::of),
                Optional.ofNullable(reportedOut).map(TokenCount::of));

        Metering metering = CostPolicy.meter(GPT_4O, TokenCount.of(10), TokenCount.of(3), reported);

        assertThat(metering.usage()).isEqualTo(TokenUsage.of(billedIn, billedOut));
        assertThat(metering.source()).isEqualTo(source);
        assertThat(metering.cost()).isEqualTo(Usd.of(cost));
    }

    @ParameterizedTest
    @CsvSource({"10, 0, 0.000025", "10, 1, 0.000035", "10, 100, 0.001025"})
    void estimates_the_running_cost_from_the_input_estimate_and_the_output_so_far(long in, long out, String cost) {
        assertThat(CostPolicy.estimate(GPT_4O, TokenCount.of(in), TokenCount.of(out))).isEqualTo(Usd.of(cost));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {"1, -, 5, 5, 5, 5", "1, 2, -, 3, 1, 3", "-, -, 4, 4, 4, 4"})
    void later_reports_override_earlier_ones_part_by_part(Long in1, Long out1, Long in2, Long out2, Long in, Long out) {
        var first = new ReportedUsage(Optional.ofNullable(in1).map(TokenCount::of), Optional.ofNullable(out1).map(TokenCount::of));
        var later = new ReportedUsage(Optional.ofNullable(in2).map(TokenCount::of), Optional.ofNullable(out2).map(TokenCount::of));

        ReportedUsage merged = first.updatedBy(later);

        assertThat(merged.input()).isEqualTo(Optional.ofNullable(in).map(TokenCount::of));
        assertThat(merged.output()).isEqualTo(Optional.ofNullable(out).map(TokenCount::of));
    }
}
