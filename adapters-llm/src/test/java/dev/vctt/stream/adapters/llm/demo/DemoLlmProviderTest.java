package dev.vctt.stream.adapters.llm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.llm.testing.RecordingCompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.Temperature;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.FinishReason;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The demo provider against the port's contract (the parts of {@code LlmProviderContract} that do
 * not need an HTTP server): typed outcomes, exactly one end, callbacks one at a time on the stream's
 * own virtual thread, cancellation that stops at once, a listener fault that ends the stream.
 */
class DemoLlmProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration FAST = Duration.ofMillis(1);

    private static CompletionRequest ask(String question) {
        return new CompletionRequest(ModelId.of("demo"), List.of(new ChatTurn(ChatRole.USER, question)),
                new Temperature(0.7), OptionalInt.empty());
    }

    private static RecordingCompletionListener run(DemoLlmProvider provider, CompletionRequest request) {
        var listener = new RecordingCompletionListener();
        provider.stream(request, listener);
        listener.awaitEnd(WAIT);
        return listener;
    }

    @Test
    void streams_a_deterministic_answer_derived_from_the_question_with_its_usage() throws Exception {
        var provider = new DemoLlmProvider(FAST);

        RecordingCompletionListener first = run(provider, ask("Explain quantum computing"));
        RecordingCompletionListener again = run(provider, ask("Explain quantum computing"));
        RecordingCompletionListener other = run(provider, ask("What is a monad?"));

        assertThat(first.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        assertThat(first.text()).isEqualTo(again.text()).isNotEqualTo(other.text())
                .startsWith("This is the offline demo model").contains("\u201cExplain quantum computing\u201d");
        assertThat(first.deltas()).hasSizeGreaterThan(40).allSatisfy(delta -> assertThat(delta).isNotBlank());
        assertThat(first.usage()).isEqualTo(ReportedUsage.of(7, first.deltas().size()));
        first.assertEndedOnce();
    }

    @Test
    void the_answer_tells_how_much_history_came_with_the_question_and_whether_a_system_prompt_did() {
        var provider = new DemoLlmProvider(FAST);
        var request = new CompletionRequest(ModelId.of("demo"), List.of(
                new ChatTurn(ChatRole.SYSTEM, "Be brief."), new ChatTurn(ChatRole.USER, "Hi"),
                new ChatTurn(ChatRole.ASSISTANT, "Hello"), new ChatTurn(ChatRole.USER, "And now?")),
                new Temperature(0.2), OptionalInt.empty());

        String text = run(provider, request).text();

        assertThat(text).contains("\u201cAnd now?\u201d").contains("This conversation had 2 earlier messages")
                .contains("A system prompt was given");
        assertThat(run(provider, ask("Hi")).text()).contains("This is the first message of the conversation.");
    }

    @Test
    void callbacks_run_one_at_a_time_on_one_virtual_thread_that_is_not_the_callers() throws Exception {
        RecordingCompletionListener listener = run(new DemoLlmProvider(FAST), ask("threads?"));

        assertThat(listener.threads()).isNotEmpty().doesNotContain(Thread.currentThread());
        assertThat(listener.threads().stream().distinct()).hasSize(1);
        assertThat(listener.threads().getFirst().isVirtual()).isTrue();
        listener.assertEndedOnce();
    }

    @Test
    void tokens_come_no_faster_than_the_pace() {
        Duration perToken = Duration.ofMillis(10);
        long started = System.nanoTime();

        RecordingCompletionListener listener = run(new DemoLlmProvider(perToken), ask("pace"));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isGreaterThanOrEqualTo(perToken.multipliedBy(listener.deltas().size() - 1));
        assertThat(DemoLlmProvider.atTokensPerSecond(30)).isNotNull();
    }

    @Test
    void cancel_mid_stream_stops_the_text_at_once_and_ends_once_as_cancelled() throws Exception {
        var listener = new RecordingCompletionListener();
        StreamHandle handle = new DemoLlmProvider(Duration.ofMillis(50)).stream(ask("a long answer, please"), listener);
        assertThat(listener.awaitFirstDelta(WAIT)).isTrue();

        long cancelled = System.nanoTime();
        handle.cancel();
        handle.cancel();

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Cancelled());
        assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isLessThan(Duration.ofSeconds(5));
        assertThat(handle.isCancelled()).isTrue();
        int deltasAtEnd = listener.deltas().size();
        listener.awaitCallbacksOver(WAIT);
        assertThat(listener.deltas()).hasSize(deltasAtEnd);
        assertThat(listener.usage()).isEqualTo(ReportedUsage.NOTHING);
        listener.assertEndedOnce();
    }

    @Test
    void cancel_before_the_first_token_ends_as_cancelled_without_text() throws Exception {
        var listener = new RecordingCompletionListener();

        new DemoLlmProvider(Duration.ofSeconds(1)).stream(ask("never mind"), listener).cancel();

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Cancelled());
        assertThat(listener.deltas()).isEmpty();
        listener.assertEndedOnce();
    }

    @Test
    void cancel_after_the_end_changes_nothing() throws Exception {
        var listener = new RecordingCompletionListener();
        StreamHandle handle = new DemoLlmProvider(FAST).stream(ask("quick"), listener);
        listener.awaitEnd(WAIT);

        handle.cancel();

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        listener.assertEndedOnce();
    }

    @Test
    void the_output_cap_cuts_the_answer_with_finish_reason_length() throws Exception {
        var request = new CompletionRequest(ModelId.of("demo"), List.of(new ChatTurn(ChatRole.USER, "cap me")),
                new Temperature(0.7), OptionalInt.of(5));

        RecordingCompletionListener listener = run(new DemoLlmProvider(FAST), request);

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.LENGTH));
        assertThat(listener.deltas()).hasSize(5);
        assertThat(listener.usage().output()).hasValueSatisfying(tokens -> assertThat(tokens.value()).isEqualTo(5));
        listener.assertEndedOnce();
    }

    @Test
    void a_listener_that_throws_ends_the_stream_as_an_internal_failure() throws Exception {
        var listener = new RecordingCompletionListener() {
            @Override
            public void onDelta(TextDelta delta) {
                super.onDelta(delta);
                throw new IllegalStateException("listener bug");
            }
        };

        new DemoLlmProvider(FAST).stream(ask("boom"), listener);

        StreamOutcome outcome = listener.awaitEnd(WAIT);
        assertThat(outcome).isInstanceOf(StreamOutcome.Failed.class);
        ProviderFailure failure = ((StreamOutcome.Failed) outcome).failure();
        assertThat(failure.kind()).isEqualTo(FailureKind.INTERNAL);
        assertThat(listener.deltas()).hasSize(1);
        listener.assertEndedOnce();
    }

    @Test
    void tokens_carry_the_whitespace_before_them_and_join_back_to_the_text() {
        assertThat(DemoAnswer.split("Hello  big\nworld.")).containsExactly("Hello", "  big", "\nworld.");
        DemoAnswer answer = DemoAnswer.to(ask("Explain quantum computing"));
        assertThat(String.join("", answer.tokens())).isEqualTo(answer.text());
    }
}
