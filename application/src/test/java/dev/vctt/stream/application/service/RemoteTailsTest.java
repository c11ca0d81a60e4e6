package dev.vctt.stream.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.in.ResumeOutcome;
import dev.vctt.stream.application.port.in.ResumeStreamCommand;
import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.out.ChunkBatch;
import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.LoggedChunk;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
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
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Node a runs a stream; a client resumes it on node b, which has it only through the shared log and signals. */
class RemoteTailsTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Caller ALICE = Caller.of(ApiKeyId.of("key-alice"));
    private static final Caller BOB = Caller.of(ApiKeyId.of("key-bob"));
    private static final ClientId ON_A = ClientId.of("c-on-a");
    private static final ClientId ON_B = ClientId.of("c-on-b");

    private final SteppingClock clock = SteppingClock.fixedAt(T0);
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemoryClusterSignals signals = new InMemoryClusterSignals();
    private final ChunkLog sharedLog = new AnnouncingLog(new InMemoryChunkLog(clock));
    private final ResumeSettings settings = new ResumeSettings(Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofHours(24), Duration.ofSeconds(1), 1000);

    // node a: runs the stream
    private final ScriptedLlmProvider openai = new ScriptedLlmProvider();
    private final ManualScheduler schedulerA = new ManualScheduler();
    private final ActiveStreams activeA = new ActiveStreams(8);
    private final StartStreamService startsA = new StartStreamService(
            new RequestPolicy(new RequestLimits(1000, 1000, 10, 10_000, 4096)), TestCatalog.everyRoleTo(TestCatalog.GPT_4O),
            BudgetSettings.NONE, new StreamDependencies(Map.<ProviderId, LlmProvider>of(ProviderId.OPENAI, openai),
                    TestCatalog.prices(), new NoTokenizer(), new FallbackRule(Duration.ofSeconds(10)), schedulerA, sessions,
                    new InMemorySpendLedger(), new RecordingStreamMetrics(), clock, activeA, sharedLog, settings),
            new SequentialIds(), new LiveKeys(new InMemoryApiKeyStore(), schedulerA, Duration.ofSeconds(5)));
    private final ChunkLogFlusher flusherA = new ChunkLogFlusher(activeA, sharedLog, schedulerA, clock, settings);

    // node b: only the shared store, log and signals
    private final ManualScheduler schedulerB = new ManualScheduler();
    private final RemoteTails tailsB = new RemoteTails(signals, sharedLog, sessions, schedulerB, clock, Duration.ofSeconds(1));
    private final ResumeStreamService resumesB = new ResumeStreamService(new ActiveStreams(8), sessions, sharedLog, clock,
            settings, new LiveKeys(new InMemoryApiKeyStore(), schedulerB, Duration.ofSeconds(5)), Optional.of(tailsB));

    {
        new ConnectClientService(activeA).connect(ON_A);
        tailsB.listen();
    }

    /** The in-memory log, announcing each stored batch's head as the PostgreSQL log does with its commit. */
    private final class AnnouncingLog implements ChunkLog {
        private final InMemoryChunkLog log;

        AnnouncingLog(InMemoryChunkLog log) {
            this.log = log;
        }

        @Override
        public void append(List<ChunkBatch> batches) {
            log.append(batches);
            batches.forEach(b -> signals.publish(new ClusterSignal.HeadMoved(b.sessionId(), b.firstIndex() + b.texts().size())));
        }

        @Override
        public List<LoggedChunk> read(SessionId sessionId, int fromIndex) {
            return log.read(sessionId, fromIndex);
        }

        @Override
        public int forgetBefore(Instant before) {
            return log.forgetBefore(before);
        }
    }

    private static String piece(int i) {
        return "w" + i + " ";
    }

    private static void play(ScriptedStream call, int from, int to) {
        IntStream.range(from, to).forEach(i -> call.delta(piece(i)));
    }

    private SessionId startOnA() {
        StartOutcome outcome = startsA.start(new StartStreamCommand(ON_A, ALICE, StreamRequestDraft.ofMessage("Tell me"),
                Optional.empty()), new RecordingStreamEvents());
        return ((StartOutcome.Started) outcome).sessionId();
    }

    @Test
    void a_resume_on_another_node_replays_the_shared_log_then_follows_each_stored_batch_to_the_end_without_gap_or_twice() {
        // given a stream on node a, five chunks of it stored
        SessionId id = startOnA();
        ScriptedStream call = openai.nextCall();
        play(call, 0, 5);
        flusherA.flushNow();

        // when a client holding two chunks resumes on node b
        var onB = new RecordingStreamEvents();
        ResumeOutcome outcome = resumesB.resume(new ResumeStreamCommand(ON_B, ALICE, id, 2), onB);
        schedulerB.runAll();

        // then it gets what the log holds from there
        assertThat(outcome).isEqualTo(new ResumeOutcome.Resumed(id));
        assertThat(onB.of(StreamChunk.class)).extracting(StreamChunk::index).containsExactly(2, 3, 4);

        // and, as node a stores more and ends, the rest and the end
        play(call, 5, 9);
        flusherA.flushNow();
        schedulerB.runAll();
        play(call, 9, 12);
        call.complete(FinishReason.STOP);
        schedulerB.runAll();
        schedulerB.runAll();

        String full = IntStream.range(0, 12).mapToObj(RemoteTailsTest::piece).collect(Collectors.joining());
        assertThat(onB.of(StreamChunk.class)).extracting(StreamChunk::index)
                .containsExactlyElementsOf(IntStream.range(2, 12).boxed().toList());
        StreamCompleted end = onB.await(StreamCompleted.class);
        assertThat(end.fullText()).isEqualTo(full);
        assertThat(piece(0) + piece(1) + onB.of(StreamChunk.class).stream().map(StreamChunk::text)
                .collect(Collectors.joining())).isEqualTo(full);
        assertThat(tailsB.count()).isZero();
    }

    @Test
    void another_caller_cannot_follow_a_stream_on_another_node() {
        SessionId id = startOnA();
        play(openai.nextCall(), 0, 3);
        flusherA.flushNow();

        var onB = new RecordingStreamEvents();
        ResumeOutcome outcome = resumesB.resume(new ResumeStreamCommand(ON_B, BOB, id, 0), onB);
        schedulerB.runAll();

        assertThat(outcome).isInstanceOf(ResumeOutcome.Refused.class);
        assertThat(onB.of(StreamChunk.class)).isEmpty();
        assertThat(tailsB.count()).isZero();
    }
}
