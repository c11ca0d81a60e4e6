package dev.vctt.stream.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.BandStats;
import dev.vctt.stream.application.port.BandView;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.in.BandCancelOutcome;
import dev.vctt.stream.application.port.in.BandCompleted;
import dev.vctt.stream.application.port.in.BandMemberResult;
import dev.vctt.stream.application.port.in.BandOutcome;
import dev.vctt.stream.application.port.in.CancelBandCommand;
import dev.vctt.stream.application.port.in.StartBandCommand;
import dev.vctt.stream.application.port.out.BandRecord;
import dev.vctt.stream.application.port.out.BandStore;
import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.RunningBand;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemoryBandStore;
import dev.vctt.stream.application.testing.InMemoryChunkLog;
import dev.vctt.stream.application.testing.InMemoryClusterSignals;
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
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.BandLimits;
import dev.vctt.stream.domain.band.BandPolicy;
import dev.vctt.stream.domain.band.BandRequestDraft;
import dev.vctt.stream.domain.band.MemberOutcome;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.session.FinishReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing one band store and one signal bus: a band_cancel sent to the node that does not
 * run the band gets the answer a local one would, and the node that runs it stops every member.
 */
class ClusterBandCancelsTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Caller ALICE = Caller.of(ApiKeyId.of("key_alice"));
    private static final Caller MALLORY = Caller.of(ApiKeyId.of("key_mallory"));
    private static final ClientId ON_A = ClientId.of("client-on-a");
    private static final ClientId ON_B = ClientId.of("client-on-b");

    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemoryBandStore store = new InMemoryBandStore();
    private final InMemoryClusterSignals signals = new InMemoryClusterSignals();
    private final ScriptedLlmProvider openai = new ScriptedLlmProvider();
    private final SteppingClock clock = new SteppingClock(T0, Duration.ofMillis(10));
    private final ManualScheduler scheduler = new ManualScheduler();

    private final class Node {
        final ActiveStreams active = new ActiveStreams(8);
        final ActiveBands bands = new ActiveBands();
        final InMemoryBandStore bandStore;
        final ClusterCancels cluster;
        final CancelBandService cancels;
        final StartBandService start;

        Node(String name, ClientId client, InMemoryBandStore bandStore) {
            this.bandStore = bandStore;
            this.cluster = new ClusterCancels(signals.node(), sessions, active, bands, bandStore, clock);
            this.cancels = new CancelBandService(bands, Optional.of(cluster));
            var deps = new StreamDependencies(Map.<ProviderId, LlmProvider>of(ProviderId.OPENAI, openai),
                    TestCatalog.prices(), new NoTokenizer(), new FallbackRule(Duration.ofSeconds(10)), scheduler, sessions,
                    new InMemorySpendLedger(), new RecordingStreamMetrics(), clock, active, new InMemoryChunkLog(clock),
                    ResumeSettings.DEFAULTS);
            this.start = new StartBandService(new BandPolicy(new RequestPolicy(RequestLimits.DEFAULTS), BandLimits.DEFAULTS),
                    TestCatalog.everyRoleTo(TestCatalog.GPT_4O), BudgetSettings.NONE, deps, new SequentialIds(),
                    new LiveKeys(new InMemoryApiKeyStore(), scheduler, Duration.ofSeconds(5)), bands, bandStore,
                    new Random(7));
            new ConnectClientService(active).connect(client);
            cluster.listen();
        }

        BandId startBand(ClientId client, Caller caller, RecordingBandEvents events) {
            BandOutcome outcome = start.start(new StartBandCommand(client, caller, BandRequestDraft.ofMessage("Should we?"),
                    Optional.empty()), events);
            return ((BandOutcome.Started) outcome).bandId();
        }
    }

    private final Node a = new Node("a", ON_A, store.node("a"));
    private final Node b = new Node("b", ON_B, store.node("b"));

    private List<ScriptedStream> calls(int count) {
        var calls = new ArrayList<ScriptedStream>();
        for (int i = 0; i < count; i++) {
            calls.add(openai.nextCall());
        }
        return calls;
    }

    @Test
    void a_band_cancel_sent_to_another_node_stops_every_member_on_the_node_that_runs_the_band() {
        // given alice's band of three members streaming on node a
        var events = new RecordingBandEvents();
        BandId band = a.startBand(ON_A, ALICE, events);
        List<ScriptedStream> members = calls(3);
        members.forEach(call -> call.delta("partly "));

        // when alice asks node b to cancel it
        BandCancelOutcome outcome = b.cancels.cancel(new CancelBandCommand(ON_B, band, Optional.of(ALICE)));

        // then node b accepted it, one signal with the band's id went out, and node a ended the band as cancelled
        assertThat(outcome).isEqualTo(new BandCancelOutcome.CancelRequested(band));
        assertThat(signals.published()).containsExactly(new ClusterSignal.CancelBand(band));
        assertThat(members).allSatisfy(call -> assertThat(call.isCancelled()).isTrue());
        BandCompleted done = events.await(BandCompleted.class);
        assertThat(done.cancelled()).isTrue();
        assertThat(done.members()).extracting(BandMemberResult::outcome).containsOnly(MemberOutcome.CANCELLED);
        assertThat(openai.callCount()).as("no synthesis").isEqualTo(3);
        assertThat(a.bands.count()).isZero();
    }

    @Test
    void a_band_cancel_of_someone_elses_band_on_another_node_is_not_found_and_sends_nothing() {
        BandId band = a.startBand(ON_A, ALICE, new RecordingBandEvents());
        List<ScriptedStream> members = calls(3);

        BandCancelOutcome outcome = b.cancels.cancel(new CancelBandCommand(ON_B, band, Optional.of(MALLORY)));

        assertThat(outcome).isEqualTo(new BandCancelOutcome.NotFound(band));
        assertThat(signals.published()).isEmpty();
        assertThat(members).noneSatisfy(call -> assertThat(call.isCancelled()).isTrue());
    }

    @Test
    void a_band_cancel_of_an_unknown_band_is_not_found_on_any_node() {
        BandId unknown = BandId.of("band-nobody-started");

        assertThat(b.cancels.cancel(new CancelBandCommand(ON_B, unknown, Optional.of(ALICE))))
                .isEqualTo(new BandCancelOutcome.NotFound(unknown));
        assertThat(a.cancels.cancel(new CancelBandCommand(ON_A, unknown, Optional.of(ALICE))))
                .isEqualTo(new BandCancelOutcome.NotFound(unknown));
        assertThat(signals.published()).isEmpty();
    }

    @Test
    void a_band_cancel_of_a_band_that_ended_is_not_found_there_as_here() {
        // given alice's band that completed on node a
        var events = new RecordingBandEvents();
        BandId band = a.startBand(ON_A, ALICE, events);
        calls(3).forEach(call -> call.delta("yes").complete(FinishReason.STOP));
        openai.nextCall().delta("All agree.").complete(FinishReason.STOP);
        openai.nextCall().delta("Fine.\nSCORE: 0.9\nFLAGS: none").complete(FinishReason.STOP);
        assertThat(events.await(BandCompleted.class).cancelled()).isFalse();

        // then
        assertThat(b.cancels.cancel(new CancelBandCommand(ON_B, band, Optional.of(ALICE))))
                .isEqualTo(new BandCancelOutcome.NotFound(band));
        assertThat(a.cancels.cancel(new CancelBandCommand(ON_A, band, Optional.of(ALICE))))
                .isEqualTo(new BandCancelOutcome.NotFound(band));
        assertThat(signals.published()).isEmpty();
    }

    @Test
    void a_band_running_here_for_another_connection_is_not_found_as_it_never_was_for_a_local_cancel() {
        BandId band = a.startBand(ON_A, ALICE, new RecordingBandEvents());
        List<ScriptedStream> members = calls(3);
        ClientId elsewhereOnA = ClientId.of("another-client-on-a");

        assertThat(a.cancels.cancel(new CancelBandCommand(elsewhereOnA, band, Optional.of(ALICE))))
                .isEqualTo(new BandCancelOutcome.NotFound(band));
        assertThat(signals.published()).isEmpty();
        assertThat(members).noneSatisfy(call -> assertThat(call.isCancelled()).isTrue());
    }

    @Test
    void while_the_band_store_does_not_answer_band_cancels_for_other_nodes_are_not_found_without_asking_it_each_time() {
        // given a node whose band store fails every lookup, and counts them
        var lookups = new AtomicInteger();
        var down = new CountingDownStore(lookups);
        var bands = new ActiveBands();
        var active = new ActiveStreams(4);
        var cancels = new CancelBandService(bands,
                Optional.of(new ClusterCancels(signals, sessions, active, bands, down, clock)));

        // when a burst of band cancels arrives
        for (int i = 0; i < 50; i++) {
            assertThat(cancels.cancel(new CancelBandCommand(ON_B, BandId.of("band-" + i), Optional.of(ALICE))))
                    .isInstanceOf(BandCancelOutcome.NotFound.class);
        }

        // then the store was asked once, and again only once it has rested
        assertThat(lookups).hasValue(1);
        clock.advance(ClusterCancels.RESTING.plusSeconds(1));
        cancels.cancel(new CancelBandCommand(ON_B, BandId.of("band-later"), Optional.of(ALICE)));
        assertThat(lookups).hasValue(2);
        assertThat(signals.published()).isEmpty();
    }

    /** A band store whose running-band lookups fail, as when the database does not answer. */
    private static final class CountingDownStore implements BandStore {
        private final AtomicInteger lookups;

        CountingDownStore(AtomicInteger lookups) {
            this.lookups = lookups;
        }

        @Override
        public void started(RunningBand band) {
            throw new StoreUnavailable("down");
        }

        @Override
        public void ended(BandRecord band) {
            throw new StoreUnavailable("down");
        }

        @Override
        public boolean runsElsewhere(BandId id, Caller caller) {
            lookups.incrementAndGet();
            throw new StoreUnavailable("down");
        }

        @Override
        public Optional<BandView> find(BandId id, Caller caller) {
            throw new StoreUnavailable("down");
        }

        @Override
        public BandStats stats(StatsQuery query, Caller caller) {
            throw new StoreUnavailable("down");
        }

        @Override
        public Series verdicts(SeriesQuery query, Caller caller) {
            throw new StoreUnavailable("down");
        }
    }
}
