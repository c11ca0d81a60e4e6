package dev.vctt.stream.adapters.websocket.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.routing.ModelId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MicrometerStreamMetricsTest {

    @Test
    void chunk_gaps_are_kept_per_model_and_one_timer_serves_every_chunk_of_a_model() {
        var metrics = new MicrometerStreamMetrics();

        metrics.chunk(ModelId.of("gpt-4o"), Duration.ZERO);
        metrics.chunk(ModelId.of("gpt-4o"), Duration.ofMillis(50));
        metrics.chunk(ModelId.of("claude-sonnet-4"), Duration.ofMillis(20));

        assertThat(metrics.scrape())
                .contains("vctt_chunk_gap_seconds_count{model=\"gpt-4o\"} 2")
                .contains("vctt_chunk_gap_seconds_count{model=\"claude-sonnet-4\"} 1")
                .contains("vctt_chunk_gap_seconds_sum{model=\"gpt-4o\"} 0.05");
        assertThat(metrics.registry().find("vctt.chunk.gap").timers()).hasSize(2);
    }
}
