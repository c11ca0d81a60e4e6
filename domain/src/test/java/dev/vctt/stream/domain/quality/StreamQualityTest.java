package dev.vctt.stream.domain.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamQualityTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void tokens_per_second_count_from_the_first_token_to_the_end() {
        assertThat(StreamQuality.tokensPerSecond(100, Optional.of(T0), T0.plusSeconds(4)).getAsDouble()).isEqualTo(25.0);
    }

    @Test
    void no_rate_without_a_first_token_or_without_time_after_it() {
        assertThat(StreamQuality.tokensPerSecond(100, Optional.empty(), T0)).isEmpty();
        assertThat(StreamQuality.tokensPerSecond(100, Optional.of(T0), T0)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "120, , 0",       // someone listened to the end
            "120, 40, 80",    // left (or cancelled) at 40 tokens, 120 billed
            "40, 40, 0",      // the upstream stopped at once
            "30, 40, 0",      // billed less than estimated when they left: never negative
    })
    void waste_is_what_was_billed_after_the_last_listener_left(long billed, Long producedWhenLeft, long waste) {
        assertThat(StreamQuality.waste(billed, Optional.ofNullable(producedWhenLeft))).isEqualTo(waste);
    }
}
