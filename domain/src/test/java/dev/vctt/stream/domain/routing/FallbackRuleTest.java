package dev.vctt.stream.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class FallbackRuleTest {

    private static final ModelRoute GPT = ModelRoute.of("gpt-4o", ProviderId.OPENAI);
    private static final ModelRoute MINI = ModelRoute.of("gpt-4o-mini", ProviderId.OPENAI);
    private static final ModelRoute CLAUDE = ModelRoute.of("claude-sonnet-4-5", ProviderId.ANTHROPIC);
    private static final ModelRoute GROK = ModelRoute.of("grok-4-1-fast-non-reasoning", ProviderId.XAI);

    private final FallbackRule rule = new FallbackRule(Duration.ofSeconds(10));

    private static AttemptFailure failed(ModelRoute route, FailureKind kind) {
        return new AttemptFailure(route, kind, Optional.empty());
    }

    private static AttemptFailure failed(ModelRoute route, FailureKind kind, long retryAfterSeconds) {
        return new AttemptFailure(route, kind, Optional.of(Duration.ofSeconds(retryAfterSeconds)));
    }

    @Test
    void the_first_attempt_goes_to_the_first_model() {
        assertThat(rule.next(FallbackChain.of(GPT, CLAUDE), List.of()))
                .isEqualTo(new NextStep.TryModel(GPT, Duration.ZERO));
    }

    @ParameterizedTest(name = "{0} moves on")
    @EnumSource(value = FailureKind.class, names = {"CONNECT", "TIMEOUT_CONNECT", "TIMEOUT_FIRST_TOKEN", "TIMEOUT_IDLE",
            "CONNECTION_LOST", "REQUEST_TIMEOUT", "CONFLICT", "RATE_LIMITED", "OVERLOADED", "SERVER_ERROR",
            "STREAM_ERROR_EVENT", "MALFORMED_STREAM"})
    void a_retryable_failure_moves_to_the_next_model_at_once(FailureKind kind) {
        assertThat(rule.next(FallbackChain.of(GPT, CLAUDE), List.of(failed(GPT, kind))))
                .isEqualTo(new NextStep.TryModel(CLAUDE, Duration.ZERO));
    }

    @ParameterizedTest(name = "{0} stops")
    @EnumSource(value = FailureKind.class, names = {"BAD_REQUEST", "NOT_FOUND", "INTERNAL"})
    void a_failure_that_would_repeat_does_not_burn_the_chain(FailureKind kind) {
        assertThat(rule.next(FallbackChain.of(GPT, CLAUDE, GROK), List.of(failed(GPT, kind))))
                .isEqualTo(new NextStep.GiveUp(NextStep.GiveUpReason.NOT_RETRYABLE));
    }

    @ParameterizedTest(name = "{0} skips the endpoint")
    @EnumSource(value = FailureKind.class, names = {"UNAUTHORIZED", "FORBIDDEN"})
    void an_auth_failure_skips_every_model_of_its_endpoint_and_moves_on_at_once(FailureKind kind) {
        assertThat(rule.next(FallbackChain.of(GPT, MINI, CLAUDE), List.of(failed(GPT, kind))))
                .isEqualTo(new NextStep.TryModel(CLAUDE, Duration.ZERO));
    }

    @ParameterizedTest(name = "{0} on the last endpoint gives up")
    @EnumSource(value = FailureKind.class, names = {"UNAUTHORIZED", "FORBIDDEN"})
    void an_auth_failure_with_no_other_endpoint_left_uses_up_the_chain(FailureKind kind) {
        assertThat(rule.next(FallbackChain.of(GPT, MINI), List.of(failed(GPT, kind))))
                .isEqualTo(new NextStep.GiveUp(NextStep.GiveUpReason.CHAIN_EXHAUSTED));
    }

    @Test
    void an_endpoint_that_refused_our_key_is_not_asked_again_after_a_later_retryable_failure() {
        List<AttemptFailure> failures = List.of(failed(GPT, FailureKind.UNAUTHORIZED),
                failed(CLAUDE, FailureKind.OVERLOADED));
        assertThat(rule.next(FallbackChain.of(GPT, CLAUDE, MINI, GROK), failures))
                .isEqualTo(new NextStep.TryModel(GROK, Duration.ZERO));
    }

    @Test
    void the_chain_is_followed_to_its_end_then_given_up() {
        FallbackChain chain = FallbackChain.of(GPT, CLAUDE, GROK);
        var failures = new ArrayList<AttemptFailure>();

        failures.add(failed(GPT, FailureKind.OVERLOADED));
        assertThat(rule.next(chain, failures)).isEqualTo(new NextStep.TryModel(CLAUDE, Duration.ZERO));
        failures.add(failed(CLAUDE, FailureKind.TIMEOUT_FIRST_TOKEN));
        assertThat(rule.next(chain, failures)).isEqualTo(new NextStep.TryModel(GROK, Duration.ZERO));
        failures.add(failed(GROK, FailureKind.SERVER_ERROR));
        assertThat(rule.next(chain, failures)).isEqualTo(new NextStep.GiveUp(NextStep.GiveUpReason.CHAIN_EXHAUSTED));
    }

    @Test
    void a_one_model_chain_gives_up_after_its_model_fails() {
        assertThat(rule.next(FallbackChain.of(GPT), List.of(failed(GPT, FailureKind.CONNECTION_LOST))))
                .isEqualTo(new NextStep.GiveUp(NextStep.GiveUpReason.CHAIN_EXHAUSTED));
    }

    @ParameterizedTest(name = "retry-after {0}s from openai, next on openai -> {1}")
    @CsvSource(nullValues = "-", value = {
            "0,  0",
            "3,  3",
            "10, 10",
            "11, -",
    })
    void a_retry_hint_delays_the_next_model_of_the_same_provider_within_the_cap(long retryAfter, Long wait) {
        NextStep step = rule.next(FallbackChain.of(GPT, MINI, CLAUDE), List.of(failed(GPT, FailureKind.RATE_LIMITED, retryAfter)));

        if (wait == null) {
            assertThat(step).as("too long a wait skips the provider").isEqualTo(new NextStep.TryModel(CLAUDE, Duration.ZERO));
        } else {
            assertThat(step).isEqualTo(new NextStep.TryModel(MINI, Duration.ofSeconds(wait)));
        }
    }

    @Test
    void a_retry_hint_does_not_delay_another_provider() {
        assertThat(rule.next(FallbackChain.of(GPT, CLAUDE), List.of(failed(GPT, FailureKind.RATE_LIMITED, 5))))
                .isEqualTo(new NextStep.TryModel(CLAUDE, Duration.ZERO));
    }

    @Test
    void a_used_up_chain_retries_a_model_once_after_the_wait_it_asked_for() {
        FallbackChain chain = FallbackChain.of(GPT);
        var failures = new ArrayList<AttemptFailure>(List.of(failed(GPT, FailureKind.RATE_LIMITED, 2)));

        assertThat(rule.next(chain, failures)).isEqualTo(new NextStep.TryModel(GPT, Duration.ofSeconds(2)));
        failures.add(failed(GPT, FailureKind.RATE_LIMITED, 2));
        assertThat(rule.next(chain, failures)).isEqualTo(new NextStep.GiveUp(NextStep.GiveUpReason.CHAIN_EXHAUSTED));
    }

    @Test
    void a_used_up_chain_does_not_wait_longer_than_the_cap() {
        assertThat(rule.next(FallbackChain.of(GPT), List.of(failed(GPT, FailureKind.RATE_LIMITED, 60))))
                .isEqualTo(new NextStep.GiveUp(NextStep.GiveUpReason.CHAIN_EXHAUSTED));
    }
}
