package dev.vctt.stream.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.in.BandOutcome;
import dev.vctt.stream.application.port.in.StartBandUseCase;
import dev.vctt.stream.domain.band.BandId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwitchableStartBandServiceTest {

    @Test
    void new_bands_start_on_the_service_in_use_from_the_moment_it_is_swapped_in() {
        // given
        List<String> asked = new ArrayList<>();
        StartBandUseCase before = (command, events) -> {
            asked.add("before");
            return new BandOutcome.Started(BandId.of("band-1"));
        };
        StartBandUseCase after = (command, events) -> {
            asked.add("after");
            return new BandOutcome.Started(BandId.of("band-2"));
        };
        var start = new SwitchableStartBandService(before);

        // when
        BandOutcome first = start.start(null, null);
        start.use(after);
        BandOutcome second = start.start(null, null);

        // then
        assertThat(asked).containsExactly("before", "after");
        assertThat(first).isEqualTo(new BandOutcome.Started(BandId.of("band-1")));
        assertThat(second).isEqualTo(new BandOutcome.Started(BandId.of("band-2")));
    }
}
