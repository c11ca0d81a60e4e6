package dev.vctt.stream.domain.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.routing.FailureKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionTransitionTest {

    private static ProviderEnd end(String how) {
        return switch (how) {
            case "finished" -> new ProviderEnd.Finished(FinishReason.LENGTH);
            case "stopped" -> new ProviderEnd.Stopped();
            case "broke" -> new ProviderEnd.Broke(FailureKind.CONNECTION_LOST);
            default -> throw new IllegalArgumentException(how);
        };
    }

    @ParameterizedTest(name = "{0}, budget cut {1}, cancel asked {2} -> {3}")
    @CsvSource({
            "finished, false, false, complete:length",
            "finished, true,  true,  complete:length",
            "stopped,  true,  false, complete:budget",
            "broke,    true,  false, complete:budget",
            "broke,    true,  true,  complete:budget",
            "stopped,  false, false, cancel",
            "stopped,  false, true,  cancel",
            "broke,    false, true,  cancel",
            "broke,    false, false, fallback:CONNECTION_LOST"})
    void the_table_from_how_an_attempt_ended_to_the_next_state(String how, boolean budgetCut, boolean cancelAsked,
                                                                 String expected) {
        SessionTransition next = SessionTransition.after(end(how), budgetCut, cancelAsked);

        String actual = switch (next) {
            case SessionTransition.Complete complete -> "complete:" + complete.reason().wireName();
            case SessionTransition.Cancel cancel -> "cancel";
            case SessionTransition.FallBackOrFail fallBack -> "fallback:" + fallBack.kind().name();
        };
        assertThat(actual).isEqualTo(expected);
    }
}
