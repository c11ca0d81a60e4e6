package dev.vctt.stream.application.service;

import static dev.vctt.stream.application.testing.TestCatalog.CLAUDE;
import static dev.vctt.stream.application.testing.TestCatalog.GPT_4O;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.CancelStreamCommand;
import dev.vctt.stream.application.port.in.ResumeOutcome;
import dev.vctt.stream.application.port.in.ResumeStreamCommand;
import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.out.LoggedChunk;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemoryChunkLog;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.InMemorySpendLedger;
import dev.vctt.stream.application.testing.ManualScheduler;
import dev.vctt.stream.application.testing.NoTokenizer;
import dev.vctt.stream.application.testing.RecordingStreamEvents;
import dev.vctt.stream.application.testing.RecordingStreamMetrics;
import dev.vctt.stream.application.testing.ScriptedLlmProvider;
import dev.vctt.stream.application.testing.ScriptedStream;
import dev.vctt.stream.application.testing.SequentialIds;
import dev.vctt.stream.application.testing.SteppingClock;
import dev.vctt.stream.application.testing.TestCatalog;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.request.SmoothingDraft;
import dev.vctt.stream.domain.request.StreamRequestDraft;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.SessionId;
import dev.vctt.stream.domain.smoothing.Smoothing;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Smoothing as a stream's client sees it, with time and wake-ups in the test's hands. */
class StreamSmoothingTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private static final Caller ALICE = Caller.of(ApiKeyId.of("key-alice"));
    private static final ClientId FIRST = ClientId.of("c-first");
    private static final ClientId SECOND = ClientId.of("c-second");
    private static final SmoothingDraft WORD_30 = SmoothingDraft.of("word", 30);

    private final ScriptedLlmProvider openai = new ScriptedLlmProvider();
    private final ScriptedLlmProvider anthropic = new ScriptedLlmProvider();
    private final SteppingClock clock = SteppingClock.fixedAt(T0);
    private final ManualScheduler scheduler = new ManualScheduler();
    private final ActiveStreams active = new ActiveStreams(8);
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemoryChunkLog chunkLog = new InMemoryChunkLog(clock);
    private final LiveKeys liveKeys = new LiveKeys(new InMemoryApiKeyStore(), scheduler, Duration.ofSeconds(5));
    private final RecordingStreamEvents events = new RecordingStreamEvents();

    @BeforeEach
    void clients_connect() {
        var clients = new ConnectClientService(active);
        clients.connect(FIRST);
        clients.connect(SECOND);
    }

    private StartStreamService service(SmoothSettings smoothing) {
        var deps = new StreamDependencies(Map.of(ProviderId.OPENAI, openai, ProviderId.ANTHROPIC, anthropic),
                TestCatalog.prices(), new NoTokenizer(), new FallbackRule(Duration.ofSeconds(10)), scheduler, sessions,
                new InMemorySpendLedger(), new RecordingStreamMetrics(), clock, active, chunkLog,
                ResumeSettings.DEFAULTS, ToolSettings.NONE, smoothing);
        return new StartStreamService(new RequestPolicy(new RequestLimits(1000, 1000, 10, 10_000, 4096)),
                TestCatalog.everyRoleTo(GPT_4O, CLAUDE), BudgetSettings.NONE, deps, new SequentialIds(), liveKeys);
    }

    private SessionId start(StreamRequestDraft draft) {
        return start(service(SmoothSettings.OFF), draft);
    }

    private SessionId start(StartStreamService service, StreamRequestDraft draft) {
        StartOutcome outcome = service.start(new StartStreamCommand(FIRST, ALICE, draft, Optional.empty()), events);
        return ((StartOutcome.Started) outcome).sessionId();
    }

    private static StreamRequestDraft asking(SmoothingDraft smooth) {
        return StreamRequestDraft.ofMessage("Tell me").withSmooth(smooth);
    }

    /** Moves time on and runs the wake-ups asked for so far, as the scheduler would once they are due. */
    private void after(long millis) {
        clock.advance(Duration.ofMillis(millis));
        scheduler.runAll();
    }

    private List<String> chunkTexts() {
        return events.of(StreamChunk.class).stream().map(StreamChunk::text).toList();
    }

    private List<Integer> indexes() {
        return events.of(StreamChunk.class).stream().map(StreamChunk::index).toList();
    }

    @Test
    void the_first_chunk_goes_at_once_and_a_burst_goes_as_whole_words_when_its_window_opens() {
        // given
        start(asking(WORD_30));
        ScriptedStream call = openai.nextCall();

        // when
        call.delta("Hel");
        List<String> atOnce = chunkTexts();
        call.delta("lo ").delta("wor").delta("ld and");
        List<String> duringTheWindow = chunkTexts();
        after(30);

        // then
        assertThat(atOnce).containsExactly("Hel");
        assertThat(duringTheWindow).containsExactly("Hel");
        assertThat(scheduler.delays()).contains(Duration.ofMillis(30));
        assertThat(chunkTexts()).containsExactly("Hel", "lo world ");
    }

    @Test
    void the_end_lets_the_held_text_go_first_and_the_chunks_add_up_to_the_full_text() {
        // given
        start(asking(WORD_30));
        ScriptedStream call = openai.nextCall();
        call.delta("One").delta(" two").delta(" thr");

        // when
        call.complete(FinishReason.STOP);

        // then
        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(chunkTexts()).containsExactly("One", " two thr");
        assertThat(indexes()).containsExactly(0, 1);
        assertThat(String.join("", chunkTexts())).isEqualTo(completed.fullText()).isEqualTo("One two thr");
        assertThat(events.all().getLast()).isInstanceOf(StreamCompleted.class);
    }

    @Test
    void a_fallback_lets_the_held_text_go_before_it_is_announced() {
        // given
        start(asking(WORD_30));
        ScriptedStream call = openai.nextCall();
        call.delta("Hi").delta(" the");

        // when
        call.fail(FailureKind.SERVER_ERROR, "boom");
        ScriptedStream fallback = anthropic.nextCall();
        fallback.delta("re ").delta("you");
        after(30);
        fallback.complete(FinishReason.STOP);

        // then
        List<Object> all = events.all();
        int heldChunk = all.indexOf(events.of(StreamChunk.class).get(1));
        int fellBack = all.indexOf(events.of(StreamFellBack.class).getFirst());
        assertThat(heldChunk).isLessThan(fellBack);
        assertThat(chunkTexts()).containsExactly("Hi", " the", "re ", "you");
        assertThat(indexes()).containsExactly(0, 1, 2, 3);
        assertThat(String.join("", chunkTexts())).isEqualTo(events.await(StreamCompleted.class).fullText());
    }

    @Test
    void a_tool_call_lets_the_held_text_go_at_once() {
        // given
        start(asking(WORD_30));
        ScriptedStream call = openai.nextCall();
        call.delta("Let me").delta(" check");

        // when
        call.toolCall("call-1", "lookup", "{}");

        // then
        assertThat(chunkTexts()).containsExactly("Let me", " check");
    }

    @Test
    void the_chunk_log_and_a_resume_see_the_chunks_the_client_saw() {
        // given
        SessionId id = start(asking(SmoothingDraft.of("line", 50)));
        ScriptedStream call = openai.nextCall();
        call.delta("# Title").delta("\nfirst ").delta("line\nsec");
        after(50);
        call.delta("ond line\n").delta("end");
        after(50);
        var resumer = new RecordingStreamEvents();

        // when
        ResumeOutcome outcome = new ResumeStreamService(active, sessions, chunkLog, clock, ResumeSettings.DEFAULTS,
                liveKeys).resume(new ResumeStreamCommand(SECOND, ALICE, id, 0), resumer);
        call.complete(FinishReason.STOP);
        events.await(StreamCompleted.class);
        resumer.await(StreamCompleted.class);

        // then
        assertThat(outcome).isInstanceOf(ResumeOutcome.Resumed.class);
        assertThat(chunkTexts()).containsExactly("# Title", "\nfirst line\n", "second line\n", "end");
        assertThat(resumer.of(StreamChunk.class).stream().map(StreamChunk::text).toList()).isEqualTo(chunkTexts());
        assertThat(chunkLog.read(id, 0).stream().map(LoggedChunk::text).toList()).isEqualTo(chunkTexts());
    }

    @Test
    void the_server_default_applies_to_a_request_that_says_nothing_and_a_zero_window_opts_out() {
        // given
        StartStreamService smoothing = service(new SmoothSettings(Smoothing.parse("word:30").orElseThrow(), 4096));
        start(smoothing, StreamRequestDraft.ofMessage("Tell me"));
        ScriptedStream defaulted = openai.nextCall();
        var optedOut = new RecordingStreamEvents();
        smoothing.start(new StartStreamCommand(SECOND, ALICE, asking(SmoothingDraft.of("none", 0)), Optional.empty()),
                optedOut);
        ScriptedStream raw = openai.nextCall();

        // when
        defaulted.delta("a").delta("b").delta("c");
        raw.delta("a").delta("b").delta("c");

        // then
        assertThat(chunkTexts()).containsExactly("a");
        assertThat(optedOut.of(StreamChunk.class).stream().map(StreamChunk::text).toList()).containsExactly("a", "b", "c");
    }

    @Test
    void a_cancel_drops_what_is_held_and_the_full_text_is_what_the_client_saw() {
        // given
        SessionId id = start(asking(WORD_30));
        ScriptedStream call = openai.nextCall();
        call.delta("Kept").delta(" held");

        // when
        new CancelStreamService(active).cancel(new CancelStreamCommand(FIRST, id));

        // then
        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(completed.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(completed.fullText()).isEqualTo(String.join("", chunkTexts())).isEqualTo("Kept");
    }

    @Test
    void a_request_with_unknown_chunking_or_a_window_out_of_range_is_refused_naming_the_field() {
        // when
        StartOutcome unknown = service(SmoothSettings.OFF).start(new StartStreamCommand(FIRST, ALICE,
                asking(SmoothingDraft.of("sentence", 30)), Optional.empty()), events);
        StartOutcome tooLong = service(SmoothSettings.OFF).start(new StartStreamCommand(FIRST, ALICE,
                asking(SmoothingDraft.of("word", 5000)), Optional.empty()), events);

        // then
        assertThat(unknown).isNotInstanceOf(StartOutcome.Started.class);
        assertThat(tooLong).isNotInstanceOf(StartOutcome.Started.class);
        assertThat(events.of(StreamFailed.class)).extracting(StreamFailed::code)
                .containsExactly(ErrorCode.VALIDATION_ERROR, ErrorCode.VALIDATION_ERROR);
        assertThat(events.of(StreamFailed.class).get(0).message()).contains("smooth.chunking: must be one of none, word, line");
        assertThat(events.of(StreamFailed.class).get(1).message()).contains("smooth.maxDelayMs: must be between 0 and 1000");
        assertThat(openai.callCount()).isZero();
    }
}
