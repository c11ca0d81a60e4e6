package dev.vctt.stream.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamUseCase;
import dev.vctt.stream.domain.session.SessionId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwitchableStartServiceTest {

    @Test
    void new_streams_start_on_the_service_in_use_from_the_moment_it_is_swapped_in() {
        List<String> asked = new ArrayList<>();
        StartStreamUseCase before = (command, events) -> {
            asked.add("before");
            return new StartOutcome.Started(SessionId.of("s1"));
        };
        StartStreamUseCase after = (command, events) -> {
            asked.add("after");
            return new StartOutcome.Started(SessionId.of("s2"));
        };
        var start = new SwitchableStartService(before);

        start.start(null, null);
        start.use(after);
        start.start(null, null);

        assertThat(asked).containsExactly("before", "after");
    }
}
