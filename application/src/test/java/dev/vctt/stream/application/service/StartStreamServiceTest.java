package dev.vctt.stream.application.service;

import static dev.vctt.stream.application.testing.Eventually.becomes;
import static dev.vctt.stream.application.testing.TestCatalog.CLAUDE;
import static dev.vctt.stream.application.testing.TestCatalog.GPT_4O;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.in.CancelOutcome;
import dev.vctt.stream.application.port.in.CancelStreamCommand;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.application.port.in.AuthOutcome;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.in.StreamStarted;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.out.Reservation;
import dev.vctt.stream.application.port.out.Settlement;
import dev.vctt.stream.application.port.out.SpendLedger;
import dev.vctt.stream.domain.cost.BudgetDecision;
import dev.vctt.stream.domain.cost.BudgetScope;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.Eventually;
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
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.UsageSource;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.Continuation;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.request.StreamRequestDraft;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.routing.RouteTable;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StartStreamServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final ClientId CLIENT = ClientId.of("c-1");

    private final ScriptedLlmProvider openai = new ScriptedLlmProvider();
    private final ScriptedLlmProvider anthropic = new ScriptedLlmProvider();
    private final SteppingClock clock = new SteppingClock(T0, Duration.ofMillis(10));
    private final ActiveStreams active = new ActiveStreams(2);
    private final RecordingStreamEvents events = new RecordingStreamEvents();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemorySpendLedger ledger = new InMemorySpendLedger();
    private final RecordingStreamMetrics metrics = new RecordingStreamMetrics();
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final LiveKeys liveKeys = new LiveKeys(keys, scheduler, Duration.ofSeconds(5));
    private final StartStreamService service = service(TestCatalog.everyRoleTo(GPT_4O, CLAUDE));
    private final StartStreamService singleModel = service(TestCatalog.everyRoleTo(GPT_4O));

    private StartStreamService service(RouteTable routes) {
        return service(routes, BudgetSettings.NONE);
    }

    private StartStreamService service(RouteTable routes, BudgetSettings budgets) {
        return service(routes, budgets, openai);
    }

    private StartStreamService service(RouteTable routes, BudgetSettings budgets, LlmProvider openAiProvider) {
        return new StartStreamService(new RequestPolicy(new RequestLimits(1000, 1000, 10, 10_000, 4096)), routes, budgets,
                dependencies(Map.of(ProviderId.OPENAI, openAiProvider, ProviderId.ANTHROPIC, anthropic)), new SequentialIds(),
                liveKeys);
    }

    private StreamDependencies dependencies(Map<ProviderId, LlmProvider> providers) {
        return dependencies(providers, ledger);
    }

    private StreamDependencies dependencies(Map<ProviderId, LlmProvider> providers, SpendLedger spendLedger) {
        return new StreamDependencies(providers, TestCatalog.prices(), new NoTokenizer(),
                new FallbackRule(Duration.ofSeconds(10)), scheduler, sessions, spendLedger, metrics, clock, active,
                new InMemoryChunkLog(clock), ResumeSettings.DEFAULTS);
    }
    private final CancelStreamService cancels = new CancelStreamService(active);
    private final ConnectClientService clients = new ConnectClientService(active);

    @BeforeEach
    void clients_connect() {
        clients.connect(CLIENT);
        clients.connect(ClientId.of("c-2"));
    }

    private StartOutcome start(String message) {
        return start(StreamRequestDraft.ofMessage(message), CLIENT);
    }

    private StartOutcome start(StreamRequestDraft draft, ClientId client) {
        return service.start(new StartStreamCommand(client, Caller.ANONYMOUS, draft, Optional.of("req-7")), events);
    }

    private StartOutcome startSingleModel(String message) {
        return singleModel.start(new StartStreamCommand(CLIENT, Caller.ANONYMOUS, StreamRequestDraft.ofMessage(message), Optional.empty()),
                events);
    }

    @Test
    void streams_chunks_with_indexes_and_running_figures_then_completes_with_reported_usage() {
        // given
        StartOutcome outcome = start(StreamRequestDraft.ofMessage("Explain quantum computing").withAgentRole("analyst"), CLIENT);
        ScriptedStream call = openai.nextCall();

        // when
        call.delta("Hello").delta(" there").usage(19, 7).complete(FinishReason.STOP);

        // then
        assertThat(outcome).isEqualTo(new StartOutcome.Started(SessionId.of("s-1")));
        assertThat(call.request().model()).isEqualTo(GPT_4O.model());
        assertThat(call.request().conversation()).containsExactly(new ChatTurn(ChatRole.USER, "Explain quantum computing"));
        StreamStarted started = events.await(StreamStarted.class);
        assertThat(started.sessionId()).isEqualTo(SessionId.of("s-1"));
        assertThat(started.model()).isEqualTo(GPT_4O.model());
        assertThat(started.role()).isEqualTo(AgentRole.ANALYST);
        assertThat(started.requestId()).contains("req-7");

        assertThat(events.of(StreamChunk.class)).extracting(StreamChunk::index, StreamChunk::text,
                        chunk -> chunk.tokensUsed().value(), StreamChunk::estimatedCost)
                .containsExactly(
                        tuple(0, "Hello", 2L, Usd.of("0.0000375")),
                        tuple(1, " there", 3L, Usd.of("0.0000475")));

        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(completed.fullText()).isEqualTo("Hello there");
        assertThat(completed.usage()).isEqualTo(TokenUsage.of(19, 7));
        assertThat(completed.totalCost()).isEqualTo(Usd.of("0.0001175"));
        assertThat(completed.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(completed.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(completed.model()).isEqualTo(GPT_4O.model());
        assertThat(completed.fallbackUsed()).isFalse();
        assertThat(completed.timeToFirstToken()).contains(Duration.ofMillis(10));
        assertThat(completed.latency()).isEqualTo(Duration.ofMillis(30));
        assertThat(events.all()).hasSize(4);
        assertThat(active.count()).isZero();
    }

    @Test
    void refuses_an_invalid_request_without_calling_any_provider() {
        StartOutcome outcome = start(StreamRequestDraft.ofMessage(" ").withTemperature(3), CLIENT);

        assertThat(outcome).isInstanceOf(StartOutcome.Refused.class);
        StreamFailed failed = events.await(StreamFailed.class);
        assertThat(failed.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(failed.message()).isEqualTo("message: must not be blank; temperature: must be between 0 and 2");
        assertThat(failed.sessionId()).isEmpty();
        assertThat(failed.requestId()).contains("req-7");
        assertThat(failed.retryable()).isFalse();
        assertThat(openai.callCount()).isZero();
        assertThat(active.count()).isZero();
    }

    @Test
    void refuses_more_streams_than_a_client_may_run_at_once_but_not_for_other_clients() {
        start("one");
        start("two");

        StartOutcome third = start("three");
        StartOutcome otherClient = start(StreamRequestDraft.ofMessage("four"), ClientId.of("c-2"));

        assertThat(third).isEqualTo(new StartOutcome.Refused(ErrorCode.TOO_MANY_STREAMS,
                "at most 2 streams may run at once on one connection"));
        assertThat(otherClient).isInstanceOf(StartOutcome.Started.class);
        assertThat(events.of(StreamFailed.class)).singleElement()
                .satisfies(failed -> assertThat(failed.retryable()).isTrue());
        assertThat(active.count()).isEqualTo(3);
    }

    @Test
    void a_finished_stream_frees_its_place_for_the_next() {
        start("one");
        start("two");
        openai.nextCall().complete(FinishReason.STOP);
        events.await(StreamCompleted.class);

        assertThat(start("three")).isInstanceOf(StartOutcome.Started.class);
    }

    @Test
    void cancel_stops_the_upstream_call_and_completes_as_cancelled_with_the_partial_answer() {
        start("Explain quantum computing");
        ScriptedStream call = openai.nextCall();
        call.delta("Quantum");

        CancelOutcome outcome = cancels.cancel(new CancelStreamCommand(CLIENT, SessionId.of("s-1")));

        assertThat(outcome).isEqualTo(new CancelOutcome.CancelRequested(SessionId.of("s-1")));
        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(call.isCancelled()).isTrue();
        assertThat(completed.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(completed.fullText()).isEqualTo("Quantum");
        assertThat(completed.usageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(completed.usage()).isEqualTo(new TokenUsage(TokenCount.of(7), TokenCount.of(2)));
        assertThat(active.count()).isZero();
    }

    @Test
    void no_chunk_reaches_the_client_after_a_cancel() {
        start("Explain");
        ScriptedStream call = openai.nextCall();
        cancels.cancel(new CancelStreamCommand(CLIENT, SessionId.of("s-1")));

        call.delta("late");
        events.await(StreamCompleted.class);

        assertThat(events.of(StreamChunk.class)).isEmpty();
    }

    @Test
    void a_client_cannot_cancel_another_clients_stream() {
        start("mine");

        CancelOutcome outcome = cancels.cancel(new CancelStreamCommand(ClientId.of("c-2"), SessionId.of("s-1")));

        assertThat(outcome).isEqualTo(new CancelOutcome.NotFound(SessionId.of("s-1")));
        assertThat(openai.nextCall().isCancelled()).isFalse();
    }

    @Test
    void a_client_going_away_cancels_at_once_the_streams_that_asked_for_it_and_only_its_own() {
        start(StreamRequestDraft.ofMessage("one").withOnDisconnect("cancel"), CLIENT);
        start(StreamRequestDraft.ofMessage("two").withOnDisconnect("cancel"), CLIENT);
        start(StreamRequestDraft.ofMessage("other"), ClientId.of("c-2"));
        ScriptedStream one = openai.nextCall();
        ScriptedStream two = openai.nextCall();
        ScriptedStream other = openai.nextCall();

        clients.disconnect(CLIENT);
        Eventually.becomes(() -> active.count() == 1);

        assertThat(one.isCancelled()).isTrue();
        assertThat(two.isCancelled()).isTrue();
        assertThat(other.isCancelled()).isFalse();
        assertThat(active.count()).isEqualTo(1);
    }

    @Test
    void a_request_of_a_client_that_is_gone_starts_nothing_and_tells_nobody() {
        // given
        clients.disconnect(CLIENT);

        // when
        StartOutcome outcome = start("too late");

        // then
        assertThat(outcome).isEqualTo(new StartOutcome.ClientGone(CLIENT));
        assertThat(openai.callCount()).isZero();
        assertThat(events.all()).isEmpty();
        assertThat(active.count()).isZero();
    }

    @Test
    void a_client_that_leaves_while_its_budget_is_reserved_starts_nothing_and_its_reservation_is_given_back() {
        // given: the client leaves while the ledger reserves for its request
        SpendLedger leavingDuringReserve = new SpendLedger() {
            @Override
            public BudgetDecision reserve(Reservation reservation) {
                BudgetDecision decision = ledger.reserve(reservation);
                clients.disconnect(CLIENT);
                return decision;
            }

            @Override
            public BudgetDecision extend(Reservation more) {
                return ledger.extend(more);
            }

            @Override
            public void settle(Settlement settlement) {
                ledger.settle(settlement);
            }
        };
        var budgeted = new StartStreamService(new RequestPolicy(new RequestLimits(1000, 1000, 10, 10_000, 4096)),
                TestCatalog.everyRoleTo(GPT_4O), new BudgetSettings(Optional.of(Usd.of("1")), Optional.empty(), 100),
                dependencies(Map.of(ProviderId.OPENAI, openai), leavingDuringReserve), new SequentialIds(), liveKeys);

        // when
        StartOutcome outcome = budgeted.start(new StartStreamCommand(CLIENT, Caller.ANONYMOUS,
                StreamRequestDraft.ofMessage("Explain"), Optional.empty()), events);

        // then
        assertThat(outcome).isEqualTo(new StartOutcome.ClientGone(CLIENT));
        assertThat(openai.callCount()).isZero();
        assertThat(active.count()).isZero();
        assertThat(ledger.reservedToday(Optional.empty(), BudgetScope.GLOBAL, LocalDate.of(2026, 11, 22)))
                .isEqualTo(Usd.ZERO);
    }

    @Test
    void a_client_that_leaves_as_its_stream_starts_has_it_cancelled_at_once_when_it_asked_for_that() {
        // given: the client leaves between the stream's registration and its first provider call
        StreamEvents leavingOnStart = new StreamEvents() {
            @Override
            public void started(StreamStarted event) {
                events.started(event);
                clients.disconnect(CLIENT);
            }

            @Override
            public void chunk(StreamChunk event) {
                events.chunk(event);
            }

            @Override
            public void completed(StreamCompleted event) {
                events.completed(event);
            }

            @Override
            public void failed(StreamFailed event) {
                events.failed(event);
            }
        };

        // when
        StartOutcome outcome = service.start(new StartStreamCommand(CLIENT, Caller.ANONYMOUS,
                StreamRequestDraft.ofMessage("Explain").withOnDisconnect("cancel"), Optional.empty()), leavingOnStart);

        // then: nobody resumed it within the grace (run out here), so it is cancelled
        assertThat(outcome).isInstanceOf(StartOutcome.Started.class);
        scheduler.runAll();
        assertThat(openai.nextCall().isCancelled()).isTrue();
        becomes(() -> active.count() == 0);
        assertThat(events.all()).as("a client that is gone is told nothing more").noneMatch(StreamCompleted.class::isInstance);
    }

    @ParameterizedTest
    @CsvSource({"cancel, false", "continue, true"})
    void no_stream_outlives_its_client_and_its_grace_whenever_the_client_leaves_during_its_start(
            String onDisconnect, boolean graceElapses) throws Exception {
        // given: many clients, each sending one request and leaving at the same moment
        int clientCount = 200;
        var ready = new CountDownLatch(1);
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < clientCount; i++) {
            ClientId client = ClientId.of("racer-" + i);
            clients.connect(client);
            Runnable request = () -> {
                awaitQuietly(ready);
                service.start(new StartStreamCommand(client, Caller.ANONYMOUS,
                        StreamRequestDraft.ofMessage("hi").withOnDisconnect(onDisconnect), Optional.empty()), events);
            };
            Runnable leave = () -> {
                awaitQuietly(ready);
                clients.disconnect(client);
            };
            // threads released together tend to run in the order they were started: mix the orders
            for (Runnable step : i % 2 == 0 ? List.of(request, leave) : List.of(leave, request)) {
                threads.add(Thread.ofVirtual().start(step));
            }
        }

        // when
        ready.countDown();
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(10));
        }

        // then: every provider call that was made is cancelled (after the grace, if it asked for one)
        if (graceElapses) {
            scheduler.runAll();
        }
        int calls = openai.callCount();
        for (int i = 0; i < calls; i++) {
            ScriptedStream call = openai.nextCall();
            assertThat(call.isCancelled()).as("provider call %d of %d", i + 1, calls).isTrue();
        }
        becomes(() -> active.count() == 0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @ParameterizedTest
    @CsvSource({"TIMEOUT_FIRST_TOKEN,PROVIDER_TIMEOUT", "TIMEOUT_IDLE,PROVIDER_TIMEOUT", "RATE_LIMITED,RATE_LIMITED",
            "CONNECTION_LOST,PROVIDER_ERROR", "OVERLOADED,PROVIDER_ERROR"})
    void a_retryable_failure_of_the_only_model_ends_the_stream_with_its_error_code(FailureKind kind, ErrorCode code) {
        startSingleModel("Explain");

        openai.nextCall().delta("Par").fail(kind, "what the provider said");

        StreamFailed failed = events.await(StreamFailed.class);
        assertThat(failed.code()).isEqualTo(code);
        assertThat(failed.sessionId()).contains(SessionId.of("s-1"));
        assertThat(failed.message()).isEqualTo("gpt-4o: " + kind.name().toLowerCase(Locale.ROOT) + ": what the provider said");
        assertThat(failed.attempts()).hasSize(1);
        assertThat(active.count()).isZero();
    }

    @ParameterizedTest
    @CsvSource({"BAD_REQUEST", "NOT_FOUND", "INTERNAL"})
    void a_failure_that_would_repeat_ends_the_stream_without_asking_the_next_model(FailureKind kind) {
        start("Explain");

        openai.nextCall().fail(kind, "no");

        StreamFailed failed = events.await(StreamFailed.class);
        assertThat(failed.code()).isEqualTo(kind == FailureKind.INTERNAL ? ErrorCode.INTERNAL_ERROR : ErrorCode.PROVIDER_ERROR);
        assertThat(anthropic.callCount()).isZero();
        assertThat(events.of(StreamFellBack.class)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"UNAUTHORIZED", "FORBIDDEN"})
    void an_endpoint_that_refuses_our_key_falls_back_to_the_next_endpoint(FailureKind kind) {
        start("Explain");

        openai.nextCall().fail(kind, "HTTP 401 invalid key");
        anthropic.nextCall().delta("Qubits").usage(12, 2).complete(FinishReason.STOP);

        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(completed.model()).isEqualTo(CLAUDE.model());
        assertThat(events.of(StreamFellBack.class)).hasSize(1);
        assertThat(events.of(StreamFailed.class)).isEmpty();
    }

    @Test
    void a_retryable_failure_before_the_first_chunk_moves_to_the_next_model_unseen_as_an_error() {
        start(StreamRequestDraft.ofMessage("Explain quantum computing").withAgentRole("analyst"), CLIENT);

        openai.nextCall().fail(FailureKind.OVERLOADED, "HTTP 503 overloaded");
        ScriptedStream claude = anthropic.nextCall();
        claude.delta("Qubits").usage(12, 2).complete(FinishReason.STOP);

        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(claude.request().model()).isEqualTo(CLAUDE.model());
        assertThat(claude.request().conversation()).containsExactly(new ChatTurn(ChatRole.USER, "Explain quantum computing"));
        assertThat(events.of(StreamFailed.class)).isEmpty();
        StreamFellBack fellBack = events.await(StreamFellBack.class);
        assertThat(fellBack.from()).isEqualTo(GPT_4O.model());
        assertThat(fellBack.to()).isEqualTo(CLAUDE.model());
        assertThat(fellBack.atIndex()).isZero();
        assertThat(fellBack.reason()).contains("HTTP 503 overloaded");
        assertThat(events.of(StreamChunk.class)).singleElement()
                .satisfies(chunk -> assertThat(chunk.model()).isEqualTo(CLAUDE.model()));
        assertThat(completed.model()).isEqualTo(CLAUDE.model());
        assertThat(completed.fallbackUsed()).isTrue();
        assertThat(completed.attempts()).extracting(attempt -> attempt.route().model().value())
                .containsExactly("gpt-4o", "claude-sonnet-4-5");
        // gpt-4o: 7 estimated input tokens, nothing streamed; Claude: 12 + 2 reported
        assertThat(completed.usage()).isEqualTo(TokenUsage.of(19, 2));
        assertThat(completed.totalCost()).isEqualTo(Usd.of("0.0000175").plus(Usd.of("0.000066")));
        assertThat(completed.usageSource()).isEqualTo(UsageSource.ESTIMATED);
    }

    @Test
    void a_failure_after_chunks_continues_on_the_next_model_with_the_partial_answer_as_context() {
        start("Capital of France?");
        ScriptedStream gpt = openai.nextCall();
        gpt.delta("Pa").fail(FailureKind.CONNECTION_LOST, "connection lost");

        ScriptedStream claude = anthropic.nextCall();
        claude.delta("ris").complete(FinishReason.STOP);

        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(claude.request().conversation()).containsExactly(
                new ChatTurn(ChatRole.USER, "Capital of France?"),
                new ChatTurn(ChatRole.ASSISTANT, "Pa"),
                new ChatTurn(ChatRole.USER, Continuation.INSTRUCTION));
        assertThat(events.await(StreamFellBack.class).atIndex()).isEqualTo(1);
        assertThat(events.of(StreamChunk.class)).extracting(StreamChunk::index, chunk -> chunk.model().value())
                .containsExactly(tuple(0, "gpt-4o"), tuple(1, "claude-sonnet-4-5"));
        assertThat(completed.fullText()).isEqualTo("Paris");
        assertThat(completed.fallbackUsed()).isTrue();
        assertThat(events.all()).extracting(event -> event.getClass().getSimpleName()).containsExactly(
                "StreamStarted", "StreamChunk", "StreamFellBack", "StreamChunk", "StreamCompleted");
    }

    @Test
    void the_whole_chain_failing_names_what_each_model_answered() {
        start("Explain");

        openai.nextCall().fail(FailureKind.OVERLOADED, "HTTP 503 busy");
        anthropic.nextCall().fail(FailureKind.TIMEOUT_FIRST_TOKEN, "no token for 60000 ms");

        StreamFailed failed = events.await(StreamFailed.class);
        assertThat(failed.code()).isEqualTo(ErrorCode.ALL_PROVIDERS_FAILED);
        assertThat(failed.message()).isEqualTo("every model failed: gpt-4o: overloaded: HTTP 503 busy; "
                + "claude-sonnet-4-5: timeout_first_token: no token for 60000 ms");
        assertThat(failed.attempts()).hasSize(2);
        assertThat(active.count()).isZero();
    }

    @Test
    void a_retry_hint_is_honoured_before_asking_the_same_model_again() {
        startSingleModel("Explain");

        openai.nextCall().end(new StreamOutcome.Failed(ProviderFailure.ofStatus(FailureKind.RATE_LIMITED, 429,
                Optional.of(Duration.ofSeconds(2)), "slow down")));
        assertThat(openai.callCount()).isEqualTo(1);
        assertThat(scheduler.delays()).containsExactly(Duration.ofSeconds(2));

        scheduler.runAll();
        openai.nextCall().delta("Fine").complete(FinishReason.STOP);

        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(completed.fullText()).isEqualTo("Fine");
        assertThat(completed.attempts()).hasSize(2);
        assertThat(events.of(StreamFailed.class)).isEmpty();
    }

    @Test
    void a_cancel_while_waiting_to_retry_completes_at_once() {
        startSingleModel("Explain");
        openai.nextCall().end(new StreamOutcome.Failed(ProviderFailure.ofStatus(FailureKind.RATE_LIMITED, 429,
                Optional.of(Duration.ofSeconds(5)), "slow down")));

        cancels.cancel(new CancelStreamCommand(CLIENT, SessionId.of("s-1")));

        assertThat(events.await(StreamCompleted.class).finishReason()).isEqualTo(FinishReason.CANCELLED);
        scheduler.runAll();
        assertThat(openai.callCount()).isEqualTo(1);
        assertThat(active.count()).isZero();
    }

    @Test
    void a_provider_that_throws_on_start_ends_the_stream_as_an_internal_error() {
        openai.refuseWith(new IllegalStateException("broken adapter"));

        StartOutcome outcome = start("Explain");

        assertThat(outcome).isInstanceOf(StartOutcome.Started.class);
        assertThat(events.await(StreamFailed.class).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(events.all()).first().isInstanceOf(StreamStarted.class);
        assertThat(active.count()).isZero();
    }

    @Test
    void the_provider_is_asked_before_stream_start_is_told_and_no_chunk_overtakes_stream_start() throws Exception {
        // given a provider whose first chunk comes from a thread of its own the moment it is asked
        var toldWhenAsked = new ArrayList<Integer>();
        var sender = new AtomicReference<Thread>();
        LlmProvider eager = (request, listener) -> {
            toldWhenAsked.add(events.all().size());
            Thread chunk = Thread.ofPlatform().start(() -> listener.onDelta(new TextDelta("Hi")));
            sender.set(chunk);
            // the chunk's thread must be held at the stream's lock until stream_start is told
            becomes(() -> chunk.getState() == Thread.State.BLOCKED || !chunk.isAlive());
            return new StreamHandle() {
                @Override
                public void cancel() {
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            };
        };
        var service = service(TestCatalog.everyRoleTo(GPT_4O), BudgetSettings.NONE, eager);

        // when
        service.start(new StartStreamCommand(CLIENT, Caller.ANONYMOUS, StreamRequestDraft.ofMessage("Hi"), Optional.empty()),
                events);
        sender.get().join(5_000);

        // then
        assertThat(toldWhenAsked).containsExactly(0);
        assertThat(events.all()).hasSize(2);
        assertThat(events.all().get(0)).isInstanceOf(StreamStarted.class);
        assertThat(events.all().get(1)).isInstanceOf(StreamChunk.class);
    }

    @Test
    void a_stream_that_ends_without_text_completes_with_an_empty_answer() {
        start("Explain");

        openai.nextCall().usage(5, 0).complete(FinishReason.CONTENT_FILTER);

        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(completed.fullText()).isEmpty();
        assertThat(completed.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(completed.timeToFirstToken()).isEmpty();
    }

    @Test
    void a_request_from_a_key_revoked_since_its_connection_authenticated_is_refused_unauthorized_after_the_recheck() {
        // given
        var auth = AuthenticateClientService.withKeys(keys, liveKeys);
        IssuedKey issued = keys.issue("team", Optional.empty(), T0);
        Caller caller = ((AuthOutcome.Authenticated) auth.authenticate(Optional.of(issued.secret()))).caller();
        liveKeys.start();
        keys.revoke(issued.id(), T0);

        // when
        scheduler.runAll();
        StartOutcome outcome = service.start(new StartStreamCommand(CLIENT, caller, StreamRequestDraft.ofMessage("Hi"),
                Optional.of("req-9")), events);

        // then
        assertThat(outcome).isInstanceOf(StartOutcome.Refused.class);
        assertThat(((StartOutcome.Refused) outcome).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(events.await(StreamFailed.class).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(openai.callCount()).isZero();
    }

    @Test
    void refuses_to_wire_a_route_to_a_provider_that_is_not_configured() {
        assertThatThrownBy(() -> new StartStreamService(new RequestPolicy(RequestLimits.DEFAULTS),
                TestCatalog.everyRoleTo(ModelRoute.of("gpt-4o", ProviderId.OPENAI)), BudgetSettings.NONE,
                dependencies(Map.of()), new SequentialIds(), liveKeys))
                .hasMessageContaining("not configured");
    }

    @Test
    void every_call_is_capped_at_the_default_output_limit_unless_the_request_sets_one() {
        start("Explain");
        start(StreamRequestDraft.ofMessage("Briefly").withMaxTokens(50), CLIENT);

        assertThat(openai.nextCall().request().maxOutputTokens()).hasValue(4096);
        assertThat(openai.nextCall().request().maxOutputTokens()).hasValue(50);
    }

    @Test
    void a_finished_stream_is_recorded_and_billed_once_per_attempt() {
        start("Explain");
        openai.nextCall().fail(FailureKind.OVERLOADED, "busy");
        anthropic.nextCall().delta("Done").usage(12, 1).complete(FinishReason.STOP);
        events.await(StreamCompleted.class);

        SessionView view = sessions.find(SessionId.of("s-1"), Caller.ANONYMOUS).orElseThrow();
        assertThat(view.status()).isEqualTo("completed");
        assertThat(view.modelsTried()).extracting(SessionView.ModelTried::model).containsExactly("gpt-4o", "claude-sonnet-4-5");
        assertThat(ledger.entriesOf(SessionId.of("s-1"))).extracting(e -> e.attempt(), e -> e.metering().cost())
                .containsExactlyInAnyOrder(tuple(1, Usd.of("0.0000050")), tuple(2, Usd.of("0.000051")));
    }

    @Test
    void a_request_whose_worst_case_does_not_fit_the_budget_is_refused_before_any_provider_call() {
        // worst case of "Explain" (2 tokens) capped at 100: Claude, 2 × $3/M + 100 × $15/M = $0.001506
        StartStreamService budgeted = service(TestCatalog.everyRoleTo(GPT_4O, CLAUDE),
                new BudgetSettings(Optional.of(Usd.of("0.0031")), Optional.empty(), 100));
        var command = new StartStreamCommand(CLIENT, Caller.ANONYMOUS, StreamRequestDraft.ofMessage("Explain"), Optional.empty());

        StartOutcome first = budgeted.start(command, events);
        StartOutcome second = budgeted.start(command, events);
        StartOutcome third = budgeted.start(command, events);

        assertThat(first).isInstanceOf(StartOutcome.Started.class);
        assertThat(second).isInstanceOf(StartOutcome.Started.class);
        assertThat(third).isEqualTo(new StartOutcome.Refused(ErrorCode.BUDGET_EXCEEDED,
                "this request may cost up to $0.001506 but only $0.000088 is left of the server's budget for today"));
        assertThat(events.await(StreamFailed.class).code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertThat(openai.callCount()).isEqualTo(2);
    }

    @Test
    void a_key_with_its_own_budget_is_held_to_it() {
        StartStreamService budgeted = service(TestCatalog.everyRoleTo(GPT_4O), new BudgetSettings(Optional.empty(),
                Optional.of(Usd.of("100")), 100));
        var tight = Caller.of(ApiKeyId.of("key_tight"), Usd.of("0.001"));
        var roomy = Caller.of(ApiKeyId.of("key_roomy"));

        StartOutcome tightOutcome = budgeted.start(new StartStreamCommand(CLIENT, tight, StreamRequestDraft.ofMessage("Explain"),
                Optional.empty()), events);
        StartOutcome roomyOutcome = budgeted.start(new StartStreamCommand(CLIENT, roomy, StreamRequestDraft.ofMessage("Explain"),
                Optional.empty()), events);

        assertThat(tightOutcome).isInstanceOf(StartOutcome.Refused.class);
        assertThat(((StartOutcome.Refused) tightOutcome).message()).contains("this API key's budget");
        assertThat(roomyOutcome).isInstanceOf(StartOutcome.Started.class);
    }

    @Test
    void a_running_stream_is_cut_when_its_cost_reaches_its_reservation() {
        StartStreamService budgeted = service(TestCatalog.everyRoleTo(GPT_4O),
                new BudgetSettings(Optional.of(Usd.of("1")), Optional.empty(), 2));
        budgeted.start(new StartStreamCommand(CLIENT, Caller.ANONYMOUS, StreamRequestDraft.ofMessage("Tell"), Optional.empty()),
                events);
        ScriptedStream call = openai.nextCall();

        // reservation: 1 input token + 2 output tokens; 12 characters of output estimate 3 tokens
        call.delta("abcd").delta("efghijkl");

        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(completed.finishReason()).isEqualTo(FinishReason.BUDGET);
        assertThat(call.isCancelled()).isTrue();
        assertThat(completed.fullText()).isEqualTo("abcdefghijkl");
    }

    @Test
    void a_store_that_cannot_record_a_session_refuses_the_stream_and_gives_the_reservation_back() {
        sessions.refuseNewSessions(true);

        StartOutcome outcome = start("Explain");

        assertThat(outcome).isInstanceOf(StartOutcome.Refused.class);
        assertThat(events.await(StreamFailed.class).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(openai.callCount()).isZero();
        assertThat(active.count()).isZero();
    }

    @Test
    void every_stream_reports_its_start_first_token_gaps_fallbacks_and_end() {
        start("Explain");
        openai.nextCall().fail(FailureKind.OVERLOADED, "busy");
        ScriptedStream claude = anthropic.nextCall();
        claude.delta("One");
        clock.advance(Duration.ofMillis(90));
        claude.delta(" two").usage(12, 2).complete(FinishReason.STOP);
        events.await(StreamCompleted.class);

        assertThat(metrics.observed()).containsExactly(
                "started primary gpt-4o",
                "failed gpt-4o OVERLOADED",
                "fell back gpt-4o -> claude-sonnet-4-5 OVERLOADED",
                "first token claude-sonnet-4-5 after 20 ms",
                "chunk claude-sonnet-4-5 gap 0 ms",
                "chunk claude-sonnet-4-5 gap 100 ms",
                "ended COMPLETED claude-sonnet-4-5 14/2 $0.000071");
    }
}
