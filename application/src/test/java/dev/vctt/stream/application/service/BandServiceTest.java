package dev.vctt.stream.application.service;

import static dev.vctt.stream.application.testing.Eventually.becomes;
import static dev.vctt.stream.application.testing.TestCatalog.CLAUDE;
import static dev.vctt.stream.application.testing.TestCatalog.GPT_4O;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.in.BandCancelOutcome;
import dev.vctt.stream.application.port.in.BandCompleted;
import dev.vctt.stream.application.port.in.BandMember;
import dev.vctt.stream.application.port.in.BandMemberResult;
import dev.vctt.stream.application.port.in.BandOutcome;
import dev.vctt.stream.application.port.in.BandStarted;
import dev.vctt.stream.application.port.in.CancelBandCommand;
import dev.vctt.stream.application.port.in.CancelStreamCommand;
import dev.vctt.stream.domain.band.MemberOutcome;
import dev.vctt.stream.application.port.in.StartBandCommand;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.out.LedgerEntry;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemoryBandStore;
import dev.vctt.stream.application.testing.InMemoryChunkLog;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.InMemorySpendLedger;
import dev.vctt.stream.application.testing.ManualScheduler;
import dev.vctt.stream.application.testing.NoTokenizer;
import dev.vctt.stream.application.testing.RecordingBandEvents;
import dev.vctt.stream.application.testing.RecordingStreamMetrics;
import dev.vctt.stream.application.testing.ScriptedLlmProvider;
import dev.vctt.stream.application.testing.ScriptedStream;
import dev.vctt.stream.application.testing.SequentialIds;
import dev.vctt.stream.application.testing.SteppingClock;
import dev.vctt.stream.application.testing.TestCatalog;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.BandLimits;
import dev.vctt.stream.domain.band.BandPolicy;
import dev.vctt.stream.domain.band.BandRequestDraft;
import dev.vctt.stream.domain.band.Verdict;
import dev.vctt.stream.domain.cost.BudgetScope;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.routing.RouteTable;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.SessionId;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BandServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 11, 22);
    private static final ClientId CLIENT = ClientId.of("c-1");
    private static final String VERDICT = "The synthesis keeps to the answers.\nSCORE: 0.8\nFLAGS: none";

    private final ScriptedLlmProvider openai = new ScriptedLlmProvider();
    private final ScriptedLlmProvider anthropic = new ScriptedLlmProvider();
    private final SteppingClock clock = new SteppingClock(T0, Duration.ofMillis(10));
    private final ActiveStreams active = new ActiveStreams(8);
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemorySpendLedger ledger = new InMemorySpendLedger();
    private final ActiveBands bands = new ActiveBands();
    private final InMemoryBandStore store = new InMemoryBandStore();
    private final RecordingBandEvents events = new RecordingBandEvents();
    private final LiveKeys keys = new LiveKeys(new InMemoryApiKeyStore(), scheduler, Duration.ofSeconds(5));
    private final CancelBandService cancelBands = new CancelBandService(bands);
    private final CancelStreamService cancelStreams = new CancelStreamService(active);

    private StartBandService service(RouteTable routes, BudgetSettings budgets) {
        var deps = new StreamDependencies(Map.<ProviderId, LlmProvider>of(ProviderId.OPENAI, openai, ProviderId.ANTHROPIC, anthropic),
                TestCatalog.prices(), new NoTokenizer(), new FallbackRule(Duration.ofSeconds(10)), scheduler, sessions,
                ledger, new RecordingStreamMetrics(), clock, active, new InMemoryChunkLog(clock), ResumeSettings.DEFAULTS);
        return new StartBandService(new BandPolicy(new RequestPolicy(RequestLimits.DEFAULTS), BandLimits.DEFAULTS), routes,
                budgets, deps, new SequentialIds(), keys, bands, store, new Random(7));
    }

    private final StartBandService service = service(TestCatalog.everyRoleTo(GPT_4O), BudgetSettings.NONE);

    @BeforeEach
    void client_connects() {
        new ConnectClientService(active).connect(CLIENT);
    }

    private BandOutcome start(StartBandService band, BandRequestDraft draft) {
        return band.start(new StartBandCommand(CLIENT, Caller.ANONYMOUS, draft, Optional.of("req-b")), events);
    }

    private List<ScriptedStream> calls(ScriptedLlmProvider provider, int count) {
        var calls = new ArrayList<ScriptedStream>();
        for (int i = 0; i < count; i++) {
            calls.add(provider.nextCall());
        }
        return calls;
    }

    private static String user(ScriptedStream call) {
        return call.request().conversation().getLast().content();
    }

    @Test
    void five_members_stream_interleaved_then_the_synthesis_quotes_them_and_the_verdict_is_scored() {
        // given five members on one client
        BandOutcome outcome = start(service, BandRequestDraft.ofMessage("Should we ship on Friday?")
                .withRoles(List.of("analyst", "relational", "ethics", "primary", "analyst")));
        List<ScriptedStream> members = calls(openai, 5);

        // when their chunks interleave and they end one by one
        for (int round = 0; round < 3; round++) {
            for (int m = 0; m < 5; m++) {
                members.get(m).delta("m" + m + "r" + round + " ");
            }
        }
        for (int m = 0; m < 4; m++) {
            members.get(m).complete(FinishReason.STOP);
        }
        int callsBeforeLastMember = openai.callCount();
        members.get(4).complete(FinishReason.STOP);
        ScriptedStream synthesis = openai.nextCall();
        synthesis.delta("All agree: ").delta("not on Friday.").complete(FinishReason.STOP);
        ScriptedStream judge = openai.nextCall();
        judge.delta(VERDICT).complete(FinishReason.STOP);

        // then
        assertThat(outcome).isInstanceOf(BandOutcome.Started.class);
        BandStarted started = events.band(BandStarted.class).getFirst();
        assertThat(started.members()).extracting(BandMember::role).containsExactly(AgentRole.ANALYST, AgentRole.RELATIONAL,
                AgentRole.ETHICS, AgentRole.PRIMARY, AgentRole.ANALYST);
        assertThat(started.requestId()).contains("req-b");
        for (int m = 0; m < 5; m++) {
            assertThat(events.of(started.members().get(m).sessionId()).of(StreamChunk.class))
                    .extracting(StreamChunk::index).containsExactly(0, 1, 2);
        }
        assertThat(events.all().of(StreamChunk.class).subList(0, 5)).extracting(chunk -> chunk.sessionId())
                .doesNotHaveDuplicates();
        assertThat(callsBeforeLastMember).isEqualTo(5);
        assertThat(synthesis.request().conversation().getFirst().content()).contains("Synthesise");
        for (int m = 0; m < 5; m++) {
            assertThat(user(synthesis)).contains("m" + m + "r0 m" + m + "r1 m" + m + "r2");
        }
        assertThat(user(synthesis)).doesNotContain("Missing voices");
        assertThat(user(judge)).contains("Synthesis to judge:\nAll agree: not on Friday.", "m0r0", "m4r2");
        assertThat(events.ofRole(AgentRole.SYNTHESISER).await(StreamCompleted.class).fullText())
                .isEqualTo("All agree: not on Friday.");

        BandCompleted done = events.await(BandCompleted.class);
        assertThat(done.synthesis()).contains("All agree: not on Friday.");
        assertThat(done.verdict()).hasValueSatisfying(reading -> assertThat(reading)
                .isInstanceOfSatisfying(Verdict.Reading.Scored.class,
                        scored -> assertThat(scored.verdict().score()).isEqualByComparingTo(new BigDecimal("0.8"))));
        assertThat(done.members()).extracting(result -> result.member().role()).containsExactly(AgentRole.ANALYST,
                AgentRole.RELATIONAL, AgentRole.ETHICS, AgentRole.PRIMARY, AgentRole.ANALYST, AgentRole.SYNTHESISER,
                AgentRole.VERIFICATION);
        assertThat(done.members()).extracting(BandMemberResult::outcome).containsOnly(MemberOutcome.COMPLETED);
        Usd billed = Usd.ZERO;
        for (BandMemberResult result : done.members()) {
            List<LedgerEntry> entries = ledger.entriesOf(result.member().sessionId());
            assertThat(entries).hasSize(1);
            billed = billed.plus(entries.getFirst().metering().cost());
        }
        assertThat(done.totalCost()).isEqualTo(billed).isEqualTo(ledger.spentToday(Optional.empty(), BudgetScope.GLOBAL, DAY));
        assertThat(bands.count()).isZero();
        assertThat(active.count()).isZero();
        assertThat(done.members().subList(0, 5)).allSatisfy(result -> assertThat(result.used()).isTrue());
        assertThat(done.members().subList(5, 7)).noneSatisfy(result -> assertThat(result.used()).isTrue());
        var view = store.find(done.bandId(), Caller.ANONYMOUS).orElseThrow();
        assertThat(view.members()).hasSize(7);
        assertThat(view.verdictScore()).hasValueSatisfying(score -> assertThat(score).isEqualByComparingTo("0.8"));
        var stats = store.stats(new StatsQuery(DAY, DAY), Caller.ANONYMOUS);
        assertThat(stats.bands()).isEqualTo(1);
        assertThat(stats.byRoleAndModel()).filteredOn(row -> row.agentRole().equals("analyst"))
                .singleElement().satisfies(row -> {
                    assertThat(row.members()).isEqualTo(2);
                    assertThat(row.used()).isEqualTo(2);
                });
    }

    @Test
    void a_band_over_budget_is_refused_before_any_provider_is_asked() {
        // given a server budget smaller than the band's worst case
        StartBandService budgeted = service(TestCatalog.everyRoleTo(GPT_4O),
                new BudgetSettings(Optional.of(Usd.of("0.0001")), Optional.empty(), 100));

        // when
        BandOutcome outcome = start(budgeted, BandRequestDraft.ofMessage("Should we?"));

        // then
        assertThat(outcome).isInstanceOf(BandOutcome.Refused.class);
        StreamFailed refused = events.await(StreamFailed.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertThat(refused.message()).startsWith("this band may cost up to $");
        assertThat(openai.callCount()).isZero();
        assertThat(ledger.reservedToday(Optional.empty(), BudgetScope.GLOBAL, DAY)).isEqualTo(Usd.ZERO);
    }

    @Test
    void the_band_reserves_its_whole_worst_case_once_and_cuts_every_member_when_their_pool_is_spent() {
        // given a budget that allows the band; answers capped at 2 tokens each
        StartBandService budgeted = service(TestCatalog.everyRoleTo(GPT_4O),
                new BudgetSettings(Optional.of(Usd.of("1")), Optional.empty(), 2));
        start(budgeted, BandRequestDraft.ofMessage("Tell").withVerification(false));
        Usd reserved = ledger.reservedToday(Optional.empty(), BudgetScope.GLOBAL, DAY);
        List<ScriptedStream> members = calls(openai, 3);
        members.get(1).delta("ab");
        members.get(2).delta("cd");

        // when one member writes far past what the members may spend between them
        members.get(0).delta("x".repeat(400));

        // then every member is cut for budget, each billed once, and the reservation is released
        BandCompleted done = events.await(BandCompleted.class);
        assertThat(reserved).isGreaterThan(Usd.ZERO);
        assertThat(members).allSatisfy(call -> assertThat(call.isCancelled()).isTrue());
        assertThat(done.members()).extracting(BandMemberResult::outcome).containsOnly(MemberOutcome.BUDGET);
        for (BandMember member : events.band(BandStarted.class).getFirst().members()) {
            assertThat(events.of(member.sessionId()).await(StreamCompleted.class).finishReason())
                    .isEqualTo(FinishReason.BUDGET);
            assertThat(ledger.entriesOf(member.sessionId())).hasSize(1);
        }
        assertThat(done.synthesis()).isEmpty();
        assertThat(openai.callCount()).isEqualTo(3);
        assertThat(ledger.reservedToday(Optional.empty(), BudgetScope.GLOBAL, DAY)).isEqualTo(Usd.ZERO);
        assertThat(ledger.spentToday(Optional.empty(), BudgetScope.GLOBAL, DAY)).isEqualTo(done.totalCost());
    }

    @Test
    void band_cancel_stops_every_member_and_starts_no_synthesis() {
        // given
        BandOutcome outcome = start(service, BandRequestDraft.ofMessage("Should we?"));
        List<ScriptedStream> members = calls(openai, 3);
        members.forEach(call -> call.delta("partly "));
        BandId band = ((BandOutcome.Started) outcome).bandId();

        // when
        BandCancelOutcome cancelled = cancelBands.cancel(new CancelBandCommand(CLIENT, band));

        // then
        assertThat(cancelled).isEqualTo(new BandCancelOutcome.CancelRequested(band));
        BandCompleted done = events.await(BandCompleted.class);
        assertThat(done.cancelled()).isTrue();
        assertThat(members).allSatisfy(call -> assertThat(call.isCancelled()).isTrue());
        assertThat(done.members()).extracting(BandMemberResult::outcome).containsOnly(MemberOutcome.CANCELLED);
        assertThat(openai.callCount()).isEqualTo(3);
        assertThat(cancelBands.cancel(new CancelBandCommand(CLIENT, band))).isInstanceOf(BandCancelOutcome.NotFound.class);
        assertThat(cancelBands.cancel(new CancelBandCommand(ClientId.of("other"), band)))
                .isInstanceOf(BandCancelOutcome.NotFound.class);
    }

    @Test
    void band_cancel_during_the_synthesis_stops_it_and_starts_no_verification() {
        // given every member answered and the synthesis is streaming
        BandOutcome outcome = start(service, BandRequestDraft.ofMessage("Should we?"));
        calls(openai, 3).forEach(call -> call.delta("yes").complete(FinishReason.STOP));
        ScriptedStream synthesis = openai.nextCall();
        synthesis.delta("So far ");
        BandId band = ((BandOutcome.Started) outcome).bandId();

        // when
        cancelBands.cancel(new CancelBandCommand(CLIENT, band));

        // then
        BandCompleted done = events.await(BandCompleted.class);
        assertThat(synthesis.isCancelled()).isTrue();
        assertThat(done.cancelled()).isTrue();
        assertThat(done.members()).extracting(BandMemberResult::outcome).containsExactly(MemberOutcome.COMPLETED,
                MemberOutcome.COMPLETED, MemberOutcome.COMPLETED, MemberOutcome.CANCELLED);
        assertThat(done.synthesis()).isEmpty();
        assertThat(done.verdict()).isEmpty();
        assertThat(openai.callCount()).as("no verification asked").isEqualTo(4);
    }

    @Test
    void stream_cancel_of_one_member_stops_only_it_and_the_synthesis_names_it_missing() {
        // given
        start(service, BandRequestDraft.ofMessage("Should we?").withVerification(false));
        List<ScriptedStream> members = calls(openai, 3);
        SessionId relational = events.band(BandStarted.class).getFirst().members().get(1).sessionId();

        // when
        cancelStreams.cancel(new CancelStreamCommand(CLIENT, relational));
        members.get(0).delta("yes").complete(FinishReason.STOP);
        members.get(2).delta("fair").complete(FinishReason.STOP);
        ScriptedStream synthesis = openai.nextCall();
        synthesis.delta("ok").complete(FinishReason.STOP);

        // then
        assertThat(members.get(1).isCancelled()).isTrue();
        assertThat(members.get(0).isCancelled()).isFalse();
        assertThat(user(synthesis)).contains("yes", "fair", "Missing voices: relational");
        BandCompleted done = events.await(BandCompleted.class);
        assertThat(done.members()).extracting(BandMemberResult::outcome).containsExactly(MemberOutcome.COMPLETED,
                MemberOutcome.CANCELLED, MemberOutcome.COMPLETED, MemberOutcome.COMPLETED);
        assertThat(done.verdict()).isEmpty();
        assertThat(done.cancelled()).isFalse();
        assertThat(done.members()).extracting(BandMemberResult::used).containsExactly(true, false, true, false);
    }

    @Test
    void members_failing_before_and_after_their_first_chunk_are_typed_outcomes_and_named_missing() {
        // given
        start(service, BandRequestDraft.ofMessage("Should we?").withVerification(false));
        List<ScriptedStream> members = calls(openai, 3);

        // when
        members.get(0).fail(FailureKind.UNAUTHORIZED, "bad key");
        members.get(1).delta("half an ans").fail(FailureKind.SERVER_ERROR, "boom");
        members.get(2).delta("fair").complete(FinishReason.STOP);
        ScriptedStream synthesis = openai.nextCall();
        synthesis.delta("ok").complete(FinishReason.STOP);

        // then
        BandCompleted done = events.await(BandCompleted.class);
        assertThat(done.members()).extracting(BandMemberResult::outcome).containsExactly(MemberOutcome.FAILED,
                MemberOutcome.FAILED, MemberOutcome.COMPLETED, MemberOutcome.COMPLETED);
        assertThat(user(synthesis)).contains("Missing voices: analyst, relational").doesNotContain("half an ans");
        BandMember analyst = events.band(BandStarted.class).getFirst().members().getFirst();
        assertThat(events.of(analyst.sessionId()).await(StreamFailed.class).sessionId()).contains(analyst.sessionId());
    }

    @Test
    void a_member_that_falls_back_still_answers() {
        // given two models per role
        StartBandService withFallback = service(TestCatalog.everyRoleTo(GPT_4O, CLAUDE), BudgetSettings.NONE);
        start(withFallback, BandRequestDraft.ofMessage("Should we?").withSynthesis(false));
        List<ScriptedStream> members = calls(openai, 3);

        // when the first member's model fails before its first chunk
        members.get(0).fail(FailureKind.SERVER_ERROR, "503");
        anthropic.nextCall().delta("from claude").complete(FinishReason.STOP);
        members.get(1).delta("b").complete(FinishReason.STOP);
        members.get(2).delta("c").complete(FinishReason.STOP);

        // then
        BandCompleted done = events.await(BandCompleted.class);
        BandMember analyst = events.band(BandStarted.class).getFirst().members().getFirst();
        assertThat(events.of(analyst.sessionId()).of(StreamFellBack.class)).hasSize(1);
        assertThat(done.members()).extracting(BandMemberResult::outcome).containsOnly(MemberOutcome.COMPLETED);
        assertThat(done.synthesis()).isEmpty();
        assertThat(analyst.model()).as("band_start names the first choice").isEqualTo(GPT_4O.model());
        assertThat(done.members().getFirst().member().model()).as("band_complete the model that answered")
                .isEqualTo(CLAUDE.model());
        assertThat(done.members().get(1).member().model()).isEqualTo(GPT_4O.model());
    }

    @Test
    void the_synthesis_starts_once_the_quorum_answered_and_the_straggler_is_stopped() {
        // given
        start(service, BandRequestDraft.ofMessage("Should we?").withQuorum(2).withVerification(false));
        List<ScriptedStream> members = calls(openai, 3);
        members.get(2).delta("slow...");

        // when
        members.get(0).delta("a").complete(FinishReason.STOP);
        members.get(1).delta("b").complete(FinishReason.STOP);
        ScriptedStream synthesis = openai.nextCall();

        // then
        assertThat(user(synthesis)).contains("Missing voices: ethics");
        becomes(() -> members.get(2).isCancelled());
        synthesis.delta("ok").complete(FinishReason.STOP);
        BandCompleted done = events.await(BandCompleted.class);
        assertThat(done.members()).extracting(BandMemberResult::outcome).containsExactly(MemberOutcome.COMPLETED,
                MemberOutcome.COMPLETED, MemberOutcome.CANCELLED, MemberOutcome.COMPLETED);
    }

    @Test
    void the_member_timeout_stops_the_slow_members_and_the_synthesis_goes_on_without_them() {
        // given
        start(service, BandRequestDraft.ofMessage("Should we?").withMemberTimeoutMs(5_000).withVerification(false));
        List<ScriptedStream> members = calls(openai, 3);
        members.get(0).delta("quick").complete(FinishReason.STOP);
        members.get(1).delta("slow");

        // when the timeout passes
        assertThat(scheduler.delays()).contains(Duration.ofSeconds(5));
        scheduler.runAll();
        ScriptedStream synthesis = openai.nextCall();
        synthesis.delta("ok").complete(FinishReason.STOP);

        // then
        assertThat(user(synthesis)).contains("quick", "Missing voices: relational, ethics");
        BandCompleted done = events.await(BandCompleted.class);
        assertThat(done.members()).extracting(BandMemberResult::outcome).containsExactly(MemberOutcome.COMPLETED,
                MemberOutcome.TIMED_OUT, MemberOutcome.TIMED_OUT, MemberOutcome.COMPLETED);
    }

    @Test
    void an_unparseable_verdict_is_an_outcome_of_its_own() {
        // given
        start(service, BandRequestDraft.ofMessage("Should we?").withRoles(List.of("analyst")));
        openai.nextCall().delta("yes").complete(FinishReason.STOP);
        openai.nextCall().delta("yes, synthesised").complete(FinishReason.STOP);

        // when
        openai.nextCall().delta("Looks good to me.").complete(FinishReason.STOP);

        // then
        BandCompleted done = events.await(BandCompleted.class);
        assertThat(done.verdict()).hasValueSatisfying(reading -> assertThat(reading).isInstanceOf(Verdict.Reading.Unreadable.class));
    }

    @Test
    void an_invalid_band_is_refused_with_every_problem_named() {
        // when
        BandOutcome outcome = start(service, BandRequestDraft.ofMessage("q").withRoles(List.of("poet")).withQuorum(3));

        // then
        assertThat(outcome).isInstanceOf(BandOutcome.Refused.class);
        StreamFailed refused = events.await(StreamFailed.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(refused.message()).contains("roles[0]", "quorum");
        assertThat(openai.callCount()).isZero();
    }
}
