package dev.vctt.stream.domain.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.domain.cost.Price;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.UsageSource;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.ProviderId;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StreamSessionTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final ModelRoute GPT = ModelRoute.of("gpt-4o", ProviderId.OPENAI);
    private static final ModelRoute CLAUDE = ModelRoute.of("claude-sonnet-4-5", ProviderId.ANTHROPIC);
    private static final Price GPT_PRICE = Price.perMillion("2.50", "10.00");
    private static final Price CLAUDE_PRICE = Price.perMillion("3.00", "15.00");

    private static Pending pending() {
        return Pending.start(SessionId.of("s-1"), AgentRole.ANALYST, T0, Attempt.start(GPT, GPT_PRICE, TokenCount.of(10)));
    }

    @Test
    void chunks_count_from_zero_with_cumulative_tokens_and_cost() {
        Streaming first = pending().append("Hello", T0.plusMillis(120));
        Streaming second = first.append(" there", T0.plusMillis(150));

        assertThat(first.lastIndex()).isZero();
        assertThat(first.tokensUsed()).isEqualTo(TokenCount.of(2));
        assertThat(first.estimatedCost()).isEqualTo(Usd.of("0.000045"));
        assertThat(second.lastIndex()).isEqualTo(1);
        assertThat(second.tokensUsed()).isEqualTo(TokenCount.of(3));
        assertThat(second.estimatedCost()).isEqualTo(Usd.of("0.000055"));
        assertThat(second.firstTokenAt()).isEqualTo(T0.plusMillis(120));
    }

    @Test
    void completion_bills_the_reported_usage_and_records_timings() {
        Completed done = pending().append("Hello", T0.plusMillis(100))
                .report(ReportedUsage.of(19, 7))
                .complete(FinishReason.STOP, T0.plusMillis(900));

        assertThat(done.metering().usage()).isEqualTo(TokenUsage.of(19, 7));
        assertThat(done.metering().source()).isEqualTo(UsageSource.REPORTED);
        assertThat(done.metering().cost()).isEqualTo(Usd.of("0.0001175"));
        assertThat(done.latency()).isEqualTo(Duration.ofMillis(900));
        assertThat(done.timeToFirstToken()).contains(Duration.ofMillis(100));
        assertThat(done.chunks()).isEqualTo(1);
        assertThat(done.fellBack()).isFalse();
        assertThat(done.lastRoute()).isEqualTo(GPT);
    }

    @Test
    void a_cancelled_stream_is_billed_for_what_it_streamed_as_an_estimate() {
        Cancelled cancelled = pending().append("12345678", T0.plusMillis(50)).cancel(T0.plusMillis(60));

        assertThat(cancelled.metering().usage()).isEqualTo(TokenUsage.of(10, 2));
        assertThat(cancelled.metering().source()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(cancelled.attempts()).singleElement()
                .satisfies(attempt -> assertThat(attempt.end()).isInstanceOf(AttemptEnd.Cancelled.class));
    }

    @Test
    void a_stream_cancelled_before_its_first_chunk_still_bills_its_input() {
        Cancelled cancelled = pending().cancel(T0.plusMillis(5));

        assertThat(cancelled.metering().usage()).isEqualTo(TokenUsage.of(10, 0));
        assertThat(cancelled.metering().cost()).isEqualTo(Usd.of("0.000025"));
        assertThat(cancelled.timeToFirstToken()).isEmpty();
    }

    @Test
    void a_tool_loop_s_next_step_is_no_fallback() {
        Completed done = pending().append("Let me look", T0.plusMillis(100))
                .nextStep(Attempt.start(GPT, GPT_PRICE, TokenCount.of(20)))
                .append("Found it", T0.plusMillis(500)).complete(FinishReason.STOP, T0.plusMillis(600));

        assertThat(done.attempts()).hasSize(2);
        assertThat(done.fellBack()).isFalse();
    }

    @Test
    void a_fallback_before_the_first_chunk_keeps_the_failed_attempt_on_the_bill() {
        Pending retried = pending().fallBackTo(Attempt.start(CLAUDE, CLAUDE_PRICE, TokenCount.of(10)),
                new AttemptEnd.Failed(FailureKind.OVERLOADED, "HTTP 503"));
        Completed done = retried.append("Hi", T0.plusMillis(300)).report(ReportedUsage.of(12, 1))
                .complete(FinishReason.STOP, T0.plusMillis(400));

        assertThat(done.attempts()).extracting(AttemptResult::route).containsExactly(GPT, CLAUDE);
        assertThat(done.fellBack()).isTrue();
        assertThat(done.lastRoute()).isEqualTo(CLAUDE);
        // GPT: 10 estimated input, nothing streamed; Claude: 12 + 1 reported
        assertThat(done.metering().usage()).isEqualTo(TokenUsage.of(22, 1));
        assertThat(done.metering().cost()).isEqualTo(Usd.of("0.000025").plus(Usd.of("0.000051")));
        assertThat(done.metering().source()).isEqualTo(UsageSource.ESTIMATED);
    }

    @Test
    void a_fallback_after_chunks_continues_the_index_and_the_running_figures() {
        Streaming before = pending().append("abcd", T0.plusMillis(10)).append("efgh", T0.plusMillis(20));
        Streaming after = before.fallBackTo(Attempt.start(CLAUDE, CLAUDE_PRICE, TokenCount.of(12)),
                        new AttemptEnd.Failed(FailureKind.CONNECTION_LOST, "dropped"))
                .append("ijkl", T0.plusMillis(30));

        assertThat(after.lastIndex()).isEqualTo(2);
        assertThat(after.tokensUsed()).isEqualTo(TokenCount.of(3));
        // GPT billed 10 in + 2 out; Claude so far 12 in + 1 out
        assertThat(after.estimatedCost()).isEqualTo(Usd.of("0.000045").plus(Usd.of("0.000051")));
        assertThat(after.firstTokenAt()).isEqualTo(T0.plusMillis(10));
    }

    @Test
    void a_failure_keeps_its_kind_and_detail() {
        Failed failed = pending().fail(FailureKind.UNAUTHORIZED, "HTTP 401 invalid key", T0.plusMillis(30));

        assertThat(failed.kind()).isEqualTo(FailureKind.UNAUTHORIZED);
        assertThat(failed.detail()).isEqualTo("HTTP 401 invalid key");
        assertThat(failed.chunks()).isZero();
        assertThat(failed.metering().usage()).isEqualTo(TokenUsage.of(10, 0));
    }

    @Test
    void an_empty_chunk_is_refused() {
        assertThatThrownBy(() -> pending().append("", T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_tokenizer_count_replaces_the_character_estimate_when_every_chunk_has_one() {
        Streaming counted = pending().append("Hello", java.util.OptionalLong.of(1), T0)
                .append(" there", java.util.OptionalLong.of(1), T0);
        Streaming mixed = pending().append("Hello", java.util.OptionalLong.of(1), T0).append(" there", T0);

        assertThat(counted.tokensUsed()).isEqualTo(TokenCount.of(2));
        assertThat(mixed.tokensUsed()).as("one uncounted chunk: back to the estimate").isEqualTo(TokenCount.of(3));
    }
}
