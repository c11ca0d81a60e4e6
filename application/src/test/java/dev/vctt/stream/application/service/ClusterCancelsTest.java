package dev.vctt.stream.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.in.CancelOutcome;
import dev.vctt.stream.application.port.in.CancelStreamCommand;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemoryBandStore;
import dev.vctt.stream.application.testing.InMemoryChunkLog;
import dev.vctt.stream.application.testing.InMemoryClusterSignals;
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
import dev.vctt.stream.domain.request.StreamRequestDraft;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Two nodes sharing one store and one signal bus: a cancel sent to the node that does not run the stream. */
class ClusterCancelsTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Caller ALICE = Caller.of(ApiKeyId.of("key_alice"));
    private static final Caller MALLORY = Caller.of(ApiKeyId.of("key_mallory"));
    private static final ClientId ON_A = ClientId.of("client-on-a");
    private static final ClientId ON_B = ClientId.of("client-on-b");

    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemoryClusterSignals signals = new InMemoryClusterSignals();
    private final ScriptedLlmProvider openai = new ScriptedLlmProvider();
    private final SteppingClock clock = new SteppingClock(T0, Duration.ofMillis(10));
    private final ManualScheduler scheduler = new ManualScheduler();

    private final class Node {
        final ActiveStreams active = new ActiveStreams(4);
        final CancelStreamService cancels = new CancelStreamService(active,
                Optional.of(new ClusterCancels(signals.node(), sessions, active, new ActiveBands(), new InMemoryBandStore(),
                        clock)));
        final StartStreamService start = new StartStreamService(
                new RequestPolicy(new RequestLimits(1000, 1000, 10, 10_000, 4096)), TestCatalog.everyRoleTo(TestCatalog.GPT_4O),
                BudgetSettings.NONE,
                new StreamDependencies(Map.<ProviderId, LlmProvider>of(ProviderId.OPENAI, openai), TestCatalog.prices(),
                        new NoTokenizer(), new FallbackRule(Duration.ofSeconds(10)), scheduler, sessions,
                        new InMemorySpendLedger(), new RecordingStreamMetrics(), clock, active, new InMemoryChunkLog(clock),
                        ResumeSettings.DEFAULTS),
                new SequentialIds(), new LiveKeys(new InMemoryApiKeyStore(), scheduler, Duration.ofSeconds(5)));

        Node(ClientId client) {
            new ConnectClientService(active).connect(client);
            new ClusterCancels(signals.node(), sessions, active, new ActiveBands(), new InMemoryBandStore(), clock)
                    .listen();
        }
    }

    private final Node a = new Node(ON_A);
    private final Node b = new Node(ON_B);

    @Test
    void a_cancel_sent_to_another_node_stops_the_upstream_on_the_node_that_runs_the_stream() {
        // given alice's stream running on node a
        var events = new RecordingStreamEvents();
        a.start.start(new StartStreamCommand(ON_A, ALICE, StreamRequestDraft.ofMessage("Explain"), Optional.empty()), events);
        ScriptedStream call = openai.nextCall();
        call.delta("Partial");
        SessionId id = SessionId.of("s-1");

        // when alice asks node b to cancel it
        CancelOutcome outcome = b.cancels.cancel(new CancelStreamCommand(ON_B, id, Optional.of(ALICE)));

        // then node b accepted it, and node a cancelled the upstream and ended the stream as cancelled
        assertThat(outcome).isEqualTo(new CancelOutcome.CancelRequested(id));
        assertThat(signals.published()).containsExactly(new ClusterSignal.CancelStream(id));
        assertThat(call.isCancelled()).isTrue();
        assertThat(events.await(StreamCompleted.class).finishReason()).isEqualTo(FinishReason.CANCELLED);
    }

    @Test
    void a_cancel_of_someone_elses_stream_on_another_node_is_not_found_and_sends_nothing() {
        a.start.start(new StartStreamCommand(ON_A, ALICE, StreamRequestDraft.ofMessage("Explain"), Optional.empty()),
                new RecordingStreamEvents());
        ScriptedStream call = openai.nextCall();
        SessionId id = SessionId.of("s-1");

        CancelOutcome outcome = b.cancels.cancel(new CancelStreamCommand(ON_B, id, Optional.of(MALLORY)));

        assertThat(outcome).isEqualTo(new CancelOutcome.NotFound(id));
        assertThat(signals.published()).isEmpty();
        assertThat(call.isCancelled()).isFalse();
    }

    @Test
    void a_cancel_of_a_stream_that_ended_is_not_found() {
        var events = new RecordingStreamEvents();
        a.start.start(new StartStreamCommand(ON_A, ALICE, StreamRequestDraft.ofMessage("Explain"), Optional.empty()), events);
        ScriptedStream call = openai.nextCall();
        call.delta("Done");
        call.complete(FinishReason.STOP);
        events.await(StreamCompleted.class);

        CancelOutcome outcome = b.cancels.cancel(new CancelStreamCommand(ON_B, SessionId.of("s-1"), Optional.of(ALICE)));

        assertThat(outcome).isEqualTo(new CancelOutcome.NotFound(SessionId.of("s-1")));
        assertThat(signals.published()).isEmpty();
    }

    @Test
    void while_the_store_does_not_answer_cancels_for_other_nodes_are_refused_at_once_without_asking_it_each_time() {
        // given a store that fails every lookup, and counts them
        var lookups = new java.util.concurrent.atomic.AtomicInteger();
        var down = new dev.vctt.stream.application.port.out.SessionQueries() {
            @Override
            public Optional<dev.vctt.stream.application.port.SessionView> find(SessionId id, Caller caller) {
                lookups.incrementAndGet();
                throw new dev.vctt.stream.application.port.out.StoreUnavailable("down");
            }

            @Override
            public dev.vctt.stream.application.port.StatsReport stats(dev.vctt.stream.application.port.StatsQuery query,
                                                                     Caller caller) {
                throw new dev.vctt.stream.application.port.out.StoreUnavailable("down");
            }

            @Override
            public dev.vctt.stream.application.port.Series series(dev.vctt.stream.application.port.SeriesQuery query,
                                                                 Caller caller) {
                throw new dev.vctt.stream.application.port.out.StoreUnavailable("down");
            }

            @Override
            public dev.vctt.stream.application.port.Distribution distribution(
                    dev.vctt.stream.application.port.DistributionQuery query, Caller caller) {
                throw new dev.vctt.stream.application.port.out.StoreUnavailable("down");
            }

            @Override
            public boolean reachable() {
                return false;
            }
        };
        var active = new ActiveStreams(4);
        var cancels = new CancelStreamService(active, Optional.of(new ClusterCancels(signals, down, active,
                new ActiveBands(), new InMemoryBandStore(), clock)));

        // when a burst of cancels arrives for streams not here
        for (int i = 0; i < 100; i++) {
            CancelOutcome outcome = cancels.cancel(new CancelStreamCommand(ON_B, SessionId.of("s-" + i), Optional.of(ALICE)));
            assertThat(outcome).isInstanceOf(CancelOutcome.NotFound.class);
        }

        // then the store was asked once, and again only once it has rested
        assertThat(lookups).hasValue(1);
        clock.advance(ClusterCancels.RESTING.plusSeconds(1));
        cancels.cancel(new CancelStreamCommand(ON_B, SessionId.of("later"), Optional.of(ALICE)));
        assertThat(lookups).hasValue(2);
        assertThat(signals.published()).isEmpty();
    }
}
