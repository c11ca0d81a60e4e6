package dev.vctt.stream.domain.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GapHistogramTest {

    @Test
    void an_empty_histogram_knows_no_quantile() {
        assertThat(new GapHistogram().quantileMillis(0.5)).isEmpty();
    }

    @Test
    void median_and_p99_of_a_hundred_gaps_fall_on_the_ranked_values() {
        // given 1 ms .. 100 ms, one each
        var gaps = new GapHistogram();
        for (int ms = 1; ms <= 100; ms++) {
            gaps.record(Duration.ofMillis(ms));
        }

        // then the ranked values (50 ms, 99 ms) come back within the bucket precision
        assertThat(gaps.count()).isEqualTo(100);
        assertThat(gaps.quantileMillis(0.5).getAsDouble()).isCloseTo(50, within(50 / 16.0));
        assertThat(gaps.quantileMillis(0.99).getAsDouble()).isCloseTo(99, within(99 / 16.0));
        assertThat(gaps.quantileMillis(1.0).getAsDouble()).isCloseTo(100, within(100 / 16.0));
    }

    @Test
    void one_stall_among_fast_chunks_shows_in_p99_not_in_the_median() {
        var gaps = new GapHistogram();
        for (int i = 0; i < 99; i++) {
            gaps.record(Duration.ofMillis(10));
        }
        gaps.record(Duration.ofSeconds(5));

        assertThat(gaps.quantileMillis(0.5).getAsDouble()).isCloseTo(10, within(10 / 16.0));
        assertThat(gaps.quantileMillis(0.99).getAsDouble()).isCloseTo(10, within(10 / 16.0));
        assertThat(gaps.quantileMillis(1.0).getAsDouble()).isCloseTo(5000, within(5000 / 16.0));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 7, 8, 9, 15, 16, 1000, 123_456, 1L << 39, Long.MAX_VALUE / 1000})
    void every_value_lands_in_a_bucket_whose_middle_is_within_a_sixteenth(long micros) {
        int index = GapHistogram.index(micros);

        assertThat(index).isBetween(0, GapHistogram.BUCKETS - 1);
        if (micros < (1L << 41)) {
            assertThat(GapHistogram.middle(index)).isCloseTo(micros, within(Math.max(0.5, micros / 16.0)));
        }
    }

    @Test
    void negative_and_endless_gaps_are_counted_not_refused() {
        var gaps = new GapHistogram();
        gaps.record(Duration.ofMillis(-5));
        gaps.record(Duration.ofSeconds(Long.MAX_VALUE));

        assertThat(gaps.count()).isEqualTo(2);
        assertThat(gaps.quantileMillis(0.5).getAsDouble()).isZero();
    }

    @Test
    void a_quantile_outside_zero_to_one_is_a_bug() {
        assertThatThrownBy(() -> new GapHistogram().quantileMillis(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
