package dev.vctt.stream.application.service;

import static dev.vctt.stream.application.testing.TestCatalog.GPT_4O;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.ResumeOutcome;
import dev.vctt.stream.application.port.out.LoggedChunk;
import dev.vctt.stream.application.port.out.ChunkBatch;
import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.in.AuthOutcome;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.application.port.in.ResumeStreamCommand;
import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamResync;
import dev.vctt.stream.application.port.out.RunningSession;
import dev.vctt.stream.application.testing.Eventually;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemoryChunkLog;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.InMemoryStreamLeases;
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
import dev.vctt.stream.domain.quality.StreamQuality;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.request.StreamRequestDraft;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ResumeStreamServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final int CHUNKS = 200;
    private static final Caller ALICE = Caller.of(ApiKeyId.of("key-alice"));
    private static final Caller BOB = Caller.of(ApiKeyId.of("key-bob"));
    private static final ClientId FIRST = ClientId.of("c-first");
    private static final ClientId SECOND = ClientId.of("c-second");
    private static final ClientId THIRD = ClientId.of("c-third");

    private final ScriptedLlmProvider openai = new ScriptedLlmProvider();
    private final SteppingClock clock = SteppingClock.fixedAt(T0);
    private static final int MAX_ENDED = 3;
    private final ActiveStreams active = new ActiveStreams(8, MAX_ENDED);
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemorySpendLedger ledger = new InMemorySpendLedger();
    private final InMemoryChunkLog chunkLog = new InMemoryChunkLog(clock);
    private final ResumeSettings settings = new ResumeSettings(Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofHours(24), Duration.ofSeconds(1), 4);
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final LiveKeys liveKeys = new LiveKeys(keys, scheduler, Duration.ofSeconds(5));
    private final StartStreamService starts = new StartStreamService(
            new RequestPolicy(new RequestLimits(1000, 1000, 10, 10_000, 4096)), TestCatalog.everyRoleTo(GPT_4O),
            BudgetSettings.NONE, new StreamDependencies(Map.of(ProviderId.OPENAI, openai), TestCatalog.prices(),
                    new NoTokenizer(), new FallbackRule(Duration.ofSeconds(10)), scheduler, sessions, ledger,
                    new RecordingStreamMetrics(), clock, active, chunkLog, settings),
            new SequentialIds(), liveKeys);
    private final CancelStreamService cancels = new CancelStreamService(active);
    private final ConnectClientService clients = new ConnectClientService(active);

    @BeforeEach
    void clients_connect() {
        List.of(FIRST, SECOND, THIRD).forEach(clients::connect);
    }
    private final ResumeStreamService resumes = new ResumeStreamService(active, sessions, chunkLog, clock, settings, liveKeys);
    private final ChunkLogFlusher flusher = new ChunkLogFlusher(active, chunkLog, scheduler, clock, settings);

    private SessionId start(ClientId client, Caller caller, StreamRequestDraft draft, RecordingStreamEvents events) {
        StartOutcome outcome = starts.start(new StartStreamCommand(client, caller, draft, Optional.of("req-1")), events);
        return ((StartOutcome.Started) outcome).sessionId();
    }

    private SessionId start(RecordingStreamEvents events) {
        return start(FIRST, ALICE, StreamRequestDraft.ofMessage("Tell me a long story"), events);
    }

    private ResumeOutcome resume(ClientId client, Caller caller, SessionId id, int fromIndex, RecordingStreamEvents events) {
        return resumes.resume(new ResumeStreamCommand(client, caller, id, fromIndex), events);
    }

    private static String piece(int i) {
        return "w" + i + (i % 7 == 0 ? "\n" : " ");
    }

    private static String fullText() {
        return IntStream.range(0, CHUNKS).mapToObj(ResumeStreamServiceTest::piece).collect(Collectors.joining());
    }

    private static void play(ScriptedStream call, int from, int to) {
        for (int i = from; i < to; i++) {
            call.delta(piece(i));
        }
    }

    private static String text(List<StreamChunk> chunks) {
        return chunks.stream().map(StreamChunk::text).collect(Collectors.joining());
    }

    private static List<Integer> indexes(List<StreamChunk> chunks) {
        return chunks.stream().map(StreamChunk::index).toList();
    }

    @Test
    void a_key_revoked_since_it_connected_may_not_resume_its_streams() {
        // given a stream of a key that is then revoked and found so by the recheck
        IssuedKey issued = keys.issue("team", Optional.empty(), T0);
        Caller caller = ((AuthOutcome.Authenticated) AuthenticateClientService.withKeys(keys, liveKeys)
                .authenticate(Optional.of(issued.secret()))).caller();
        SessionId id = start(FIRST, caller, StreamRequestDraft.ofMessage("Tell me"), new RecordingStreamEvents());
        play(openai.nextCall(), 0, 2);
        liveKeys.start();
        keys.revoke(issued.id(), T0);
        scheduler.runAll();

        // when another connection of that key resumes it
        var second = new RecordingStreamEvents();
        ResumeOutcome outcome = resume(SECOND, caller, id, 0, second);

        // then it is refused, and nothing of the stream is sent
        assertThat(outcome).isEqualTo(new ResumeOutcome.Refused(ErrorCode.UNAUTHORIZED, "this API key has been revoked"));
        assertThat(second.all()).isEmpty();
    }

    @Test
    void a_socket_cut_after_any_chunk_and_a_resume_on_a_new_connection_give_the_full_text_with_no_index_twice() {
        for (int k = 0; k < CHUNKS; k++) {
            clients.connect(FIRST); // each round's first connection is a new one: a client that left starts no stream
            // given a stream whose first connection saw chunks 0..k and then dropped
            clients.connect(FIRST);
            var first = new RecordingStreamEvents();
            SessionId id = start(first);
            ScriptedStream call = openai.nextCall();
            play(call, 0, k + 1);
            clients.disconnect(FIRST);
            play(call, k + 1, Math.min(CHUNKS, k + 4));

            // when another connection of the same caller resumes after the last chunk it holds
            var second = new RecordingStreamEvents();
            ResumeOutcome outcome = resume(SECOND, ALICE, id, k + 1, second);
            play(call, Math.min(CHUNKS, k + 4), CHUNKS);
            call.usage(40, CHUNKS).complete(FinishReason.STOP);

            // then
            assertThat(outcome).isEqualTo(new ResumeOutcome.Resumed(id));
            List<StreamChunk> before = first.of(StreamChunk.class);
            List<StreamChunk> after = second.of(StreamChunk.class);
            assertThat(indexes(before)).as("cut after %d", k).isEqualTo(IntStream.rangeClosed(0, k).boxed().toList());
            assertThat(indexes(after)).as("cut after %d", k).isEqualTo(IntStream.range(k + 1, CHUNKS).boxed().toList());
            assertThat(text(before) + text(after)).isEqualTo(fullText());
            assertThat(second.of(StreamCompleted.class)).singleElement()
                    .satisfies(done -> assertThat(done.fullText()).isEqualTo(fullText()));
            assertThat(first.of(StreamCompleted.class)).isEmpty();
        }
    }

    @RepeatedTest(20)
    void a_resume_while_chunks_keep_arriving_on_another_thread_gets_each_index_once_and_in_order() throws Exception {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 10);
        var go = new CountDownLatch(1);
        Thread producer = Thread.ofPlatform().start(() -> {
            await(go);
            play(call, 10, CHUNKS);
            call.complete(FinishReason.STOP);
        });

        var second = new RecordingStreamEvents();
        var third = new RecordingStreamEvents();
        go.countDown();
        Thread other = Thread.ofPlatform().start(() -> resume(THIRD, ALICE, id, 3, third));
        resume(SECOND, ALICE, id, 0, second);
        other.join();
        producer.join();

        second.await(StreamCompleted.class);
        third.await(StreamCompleted.class);
        assertThat(indexes(second.of(StreamChunk.class))).isEqualTo(IntStream.range(0, CHUNKS).boxed().toList());
        assertThat(indexes(third.of(StreamChunk.class))).isEqualTo(IntStream.range(3, CHUNKS).boxed().toList());
        assertThat(text(second.of(StreamChunk.class))).isEqualTo(fullText());
        assertThat(second.all().getLast()).isInstanceOf(StreamCompleted.class);
        assertThat(third.all().getLast()).isInstanceOf(StreamCompleted.class);
        assertThat(second.of(StreamCompleted.class)).hasSize(1);
        assertThat(third.of(StreamCompleted.class)).hasSize(1);
    }

    @RepeatedTest(20)
    void a_resume_racing_the_end_of_the_stream_gets_every_chunk_and_one_terminal_event() throws Exception {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, CHUNKS - 1);
        var go = new CountDownLatch(1);
        Thread producer = Thread.ofPlatform().start(() -> {
            await(go);
            call.delta(piece(CHUNKS - 1));
            call.complete(FinishReason.STOP);
        });

        var second = new RecordingStreamEvents();
        go.countDown();
        ResumeOutcome outcome = resume(SECOND, ALICE, id, 0, second);
        producer.join();

        assertThat(outcome).isEqualTo(new ResumeOutcome.Resumed(id));
        second.await(StreamCompleted.class);
        assertThat(indexes(second.of(StreamChunk.class))).isEqualTo(IntStream.range(0, CHUNKS).boxed().toList());
        assertThat(second.of(StreamCompleted.class)).singleElement()
                .satisfies(done -> assertThat(done.fullText()).isEqualTo(fullText()));
        assertThat(second.all().getLast()).isInstanceOf(StreamCompleted.class);
    }

    @Test
    void an_hour_after_the_end_a_resume_replays_from_the_store_with_the_same_boundaries_and_terminal_event() {
        // given a stream that ended and left memory an hour ago
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 9);
        call.usage(40, 9).complete(FinishReason.LENGTH);
        StreamCompleted original = first.await(StreamCompleted.class);
        scheduler.runAll();
        assertThat(active.findForResume(id)).isEmpty();
        clock.advance(Duration.ofHours(1));

        // when
        var later = new RecordingStreamEvents();
        ResumeOutcome outcome = resume(SECOND, ALICE, id, 2, later);

        // then
        assertThat(outcome).isEqualTo(new ResumeOutcome.Resumed(id));
        assertThat(later.of(StreamChunk.class)).extracting(StreamChunk::index, StreamChunk::text, StreamChunk::model)
                .containsExactlyElementsOf(IntStream.range(2, 9).mapToObj(i -> org.assertj.core.groups.Tuple.tuple(i,
                        piece(i), GPT_4O.model())).toList());
        StreamCompleted replayed = later.await(StreamCompleted.class);
        assertThat(replayed.fullText()).isEqualTo(original.fullText());
        assertThat(replayed.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(replayed.usage()).isEqualTo(original.usage());
        assertThat(replayed.totalCost()).isEqualTo(original.totalCost());
        assertThat(replayed.model()).isEqualTo(original.model());
        assertThat(replayed.requestId()).isEqualTo(original.requestId());
        assertThat(later.all().getLast()).isEqualTo(replayed);
    }

    @Test
    void an_ended_stream_whose_close_the_database_has_not_written_is_resumed_from_memory_past_the_linger() {
        // given a stream that ended while the database lags, its close and last chunks still queued
        sessions.lag();
        chunkLog.lag();
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 9);
        call.complete(FinishReason.STOP);
        StreamCompleted original = first.await(StreamCompleted.class);

        // when the linger time passes with the records still unwritten, and a client resumes
        clock.advance(settings.linger().plusSeconds(5));
        scheduler.runAll();
        var second = new RecordingStreamEvents();
        ResumeOutcome outcome = resume(SECOND, ALICE, id, 3, second);

        // then memory serves it, as if the database had kept up
        assertThat(outcome).isEqualTo(new ResumeOutcome.Resumed(id));
        assertThat(indexes(second.of(StreamChunk.class))).isEqualTo(IntStream.range(3, 9).boxed().toList());
        assertThat(second.await(StreamCompleted.class).fullText()).isEqualTo(original.fullText());
        assertThat(second.all().getLast()).isInstanceOf(StreamCompleted.class);

        // and once the database has written the close, memory lets go and the store serves it the same way
        sessions.catchUp();
        assertThat(active.findForResume(id)).as("the chunk log has not written yet").isPresent();
        chunkLog.catchUp();
        assertThat(active.findForResume(id)).isEmpty();
        var third = new RecordingStreamEvents();
        assertThat(resume(THIRD, ALICE, id, 3, third)).isEqualTo(new ResumeOutcome.Resumed(id));
        assertThat(indexes(third.of(StreamChunk.class))).isEqualTo(indexes(second.of(StreamChunk.class)));
        assertThat(text(third.of(StreamChunk.class))).isEqualTo(text(second.of(StreamChunk.class)));
        assertThat(third.await(StreamCompleted.class).fullText()).isEqualTo(original.fullText());
    }

    @Test
    void a_stream_whose_records_are_written_within_the_linger_leaves_memory_when_the_linger_ends() {
        // given a stream that ended with the database keeping up
        SessionId id = start(new RecordingStreamEvents());
        ScriptedStream call = openai.nextCall();
        play(call, 0, 3);
        call.complete(FinishReason.STOP);
        assertThat(active.findForResume(id)).as("lingering").isPresent();

        // when the linger time passes
        scheduler.runAll();

        // then
        assertThat(active.findForResume(id)).isEmpty();
    }

    @Test
    void past_the_bound_of_ended_streams_in_memory_the_one_that_ended_first_leaves_first() {
        // given more ended streams waiting for a database that is down than memory keeps
        sessions.lag();
        chunkLog.lag();
        var ids = new java.util.ArrayList<SessionId>();
        for (int i = 0; i <= MAX_ENDED; i++) {
            var events = new RecordingStreamEvents();
            ids.add(start(events));
            ScriptedStream call = openai.nextCall();
            play(call, 0, 2);
            call.complete(FinishReason.STOP);
            events.await(StreamCompleted.class);
        }

        // when the linger time passes
        scheduler.runAll();

        // then memory holds the bound, the newest; the first reads the store, which has not its close yet
        assertThat(active.endedHeld()).isEqualTo(MAX_ENDED);
        assertThat(active.findForResume(ids.getFirst())).isEmpty();
        ids.subList(1, ids.size()).forEach(id -> assertThat(active.findForResume(id)).isPresent());
        ResumeOutcome first = resume(SECOND, ALICE, ids.getFirst(), 0, new RecordingStreamEvents());
        assertThat(first).isInstanceOf(ResumeOutcome.Refused.class);
        assertThat(((ResumeOutcome.Refused) first).code()).isEqualTo(ErrorCode.STREAM_NOT_FOUND);
        assertThat(resume(SECOND, ALICE, ids.getLast(), 0, new RecordingStreamEvents()))
                .isEqualTo(new ResumeOutcome.Resumed(ids.getLast()));
    }

    @Test
    void a_chunk_log_that_lost_a_batch_resyncs_the_client_to_the_answer_the_record_keeps() {
        // given a stream that completed and left memory, whose logged chunk 4 was lost (the database refused its batch)
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 9);
        call.usage(40, 9).complete(FinishReason.STOP);
        StreamCompleted original = first.await(StreamCompleted.class);
        scheduler.runAll();
        ChunkLog holey = new ChunkLog() {
            @Override
            public void append(List<ChunkBatch> batches) {
                chunkLog.append(batches);
            }

            @Override
            public List<LoggedChunk> read(SessionId session, int fromIndex) {
                return chunkLog.read(session, fromIndex).stream().filter(chunk -> chunk.index() != 4).toList();
            }

            @Override
            public int forgetBefore(Instant before) {
                return chunkLog.forgetBefore(before);
            }
        };
        var resumesOfTheHoleyLog = new ResumeStreamService(active, sessions, holey, clock, settings, liveKeys);

        // when a client that holds chunks 0..5 resumes from 6
        var later = new RecordingStreamEvents();
        ResumeOutcome outcome = resumesOfTheHoleyLog.resume(new ResumeStreamCommand(SECOND, ALICE, id, 6), later);

        // then it is told its text from chunk 4 on (the last both agree on) is the record's, and the end carries it whole
        assertThat(outcome).isEqualTo(new ResumeOutcome.Resumed(id));
        StreamResync resync = later.await(StreamResync.class);
        assertThat(resync.fromIndex()).isEqualTo(4);
        String held = IntStream.range(0, 4).mapToObj(i -> piece(i)).collect(java.util.stream.Collectors.joining());
        assertThat(held + resync.text()).isEqualTo(original.fullText());
        assertThat(later.await(StreamCompleted.class).fullText()).isEqualTo(original.fullText());
        assertThat(later.of(StreamChunk.class)).isEmpty();
    }

    @Test
    void a_failed_stream_resumes_with_its_chunks_and_the_same_error() {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 3);
        call.fail(FailureKind.UNAUTHORIZED, "bad key");
        StreamFailed original = first.await(StreamFailed.class);
        scheduler.runAll();

        var later = new RecordingStreamEvents();
        resume(SECOND, ALICE, id, 0, later);

        assertThat(text(later.of(StreamChunk.class))).isEqualTo(piece(0) + piece(1) + piece(2));
        StreamFailed replayed = later.await(StreamFailed.class);
        assertThat(replayed.code()).isEqualTo(original.code());
        assertThat(replayed.message()).isEqualTo(original.message());
    }

    @Test
    void past_the_retention_a_stream_is_not_found() {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        openai.nextCall().delta("a").complete(FinishReason.STOP);
        first.await(StreamCompleted.class);
        scheduler.runAll();
        clock.advance(Duration.ofHours(24).plusSeconds(1));

        var later = new RecordingStreamEvents();
        ResumeOutcome outcome = resume(SECOND, ALICE, id, 0, later);

        assertThat(outcome).isInstanceOf(ResumeOutcome.Refused.class)
                .extracting(o -> ((ResumeOutcome.Refused) o).code()).isEqualTo(ErrorCode.STREAM_NOT_FOUND);
        assertThat(later.all()).isEmpty();
    }

    @Test
    void another_callers_stream_is_not_found_whether_running_or_ended_and_the_answer_is_the_same_as_for_no_stream() {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 3);
        var bob = new RecordingStreamEvents();

        ResumeOutcome whileRunning = resume(SECOND, BOB, id, 0, bob);
        call.complete(FinishReason.STOP);
        ResumeOutcome whileLingering = resume(SECOND, BOB, id, 0, bob);
        scheduler.runAll();
        ResumeOutcome fromStore = resume(SECOND, BOB, id, 0, bob);
        ResumeOutcome unknown = resume(SECOND, BOB, SessionId.of("no-such-stream"), 0, bob);

        for (ResumeOutcome outcome : List.of(whileRunning, whileLingering, fromStore)) {
            assertThat(outcome).isInstanceOf(ResumeOutcome.Refused.class);
            assertThat(((ResumeOutcome.Refused) outcome).code()).isEqualTo(ErrorCode.STREAM_NOT_FOUND);
            assertThat(((ResumeOutcome.Refused) outcome).message().replace(id.value(), "ID"))
                    .isEqualTo(((ResumeOutcome.Refused) unknown).message().replace("no-such-stream", "ID"));
        }
        assertThat(bob.all()).isEmpty();
    }

    @Test
    void a_from_index_beyond_the_head_is_a_validation_error_live_and_from_the_store() {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 3);
        var second = new RecordingStreamEvents();

        ResumeOutcome live = resume(SECOND, ALICE, id, 4, second);
        ResumeOutcome atHead = resume(SECOND, ALICE, id, 3, second);
        call.complete(FinishReason.STOP);
        scheduler.runAll();
        ResumeOutcome stored = resume(THIRD, ALICE, id, 4, new RecordingStreamEvents());

        assertThat(((ResumeOutcome.Refused) live).code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(((ResumeOutcome.Refused) stored).code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(atHead).isEqualTo(new ResumeOutcome.Resumed(id));
        second.await(StreamCompleted.class);
        assertThat(second.of(StreamChunk.class)).isEmpty();
    }

    @Test
    void a_stream_nobody_resumes_is_cancelled_upstream_after_the_grace_and_billed_once() {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 5);

        clients.disconnect(FIRST);
        play(call, 5, 8);

        assertThat(call.isCancelled()).as("cancelled before the grace").isFalse();
        assertThat(scheduler.delays()).contains(Duration.ofSeconds(30));
        scheduler.runAll();
        assertThat(call.isCancelled()).isTrue();
        Eventually.becomes(() -> active.count() == 0);
        assertThat(ledger.entriesOf(id)).hasSize(1);
        assertThat(sessions.find(id, ALICE)).get().satisfies(view -> assertThat(view.status()).isEqualTo("cancelled"));
    }

    @Test
    void a_resume_within_the_grace_keeps_the_stream_running_and_its_cancel_stops_it() {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 5);
        clients.disconnect(FIRST);
        var second = new RecordingStreamEvents();
        resume(SECOND, ALICE, id, 5, second);

        scheduler.runAll();
        assertThat(call.isCancelled()).isFalse();

        cancels.cancel(new dev.vctt.stream.application.port.in.CancelStreamCommand(SECOND, id));
        assertThat(second.await(StreamCompleted.class).finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(call.isCancelled()).isTrue();
    }

    @Test
    void a_resume_on_the_connection_that_started_the_stream_replaces_its_subscription_and_no_index_comes_twice() {
        // given a stream whose own connection holds chunks 0..4
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 5);

        // when the same connection resumes it from 3, and later again from the head
        resume(FIRST, ALICE, id, 3, first);
        play(call, 5, 8);
        resume(FIRST, ALICE, id, 8, first);
        play(call, 8, 10);
        call.usage(4, 10).complete(FinishReason.STOP);

        // then each index reaches it once per asking, and the end once
        assertThat(indexes(first.of(StreamChunk.class))).isEqualTo(List.of(0, 1, 2, 3, 4, 3, 4, 5, 6, 7, 8, 9));
        assertThat(first.of(StreamCompleted.class)).hasSize(1);
    }

    @Test
    void a_connection_that_resumes_a_stream_twice_holds_one_subscription() {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 2);
        var second = new RecordingStreamEvents();

        resume(SECOND, ALICE, id, 2, second);
        resume(SECOND, ALICE, id, 2, second);
        play(call, 2, 6);
        call.usage(4, 6).complete(FinishReason.STOP);

        assertThat(indexes(second.of(StreamChunk.class))).isEqualTo(List.of(2, 3, 4, 5));
        assertThat(second.of(StreamCompleted.class)).hasSize(1);
        assertThat(indexes(first.of(StreamChunk.class))).isEqualTo(List.of(0, 1, 2, 3, 4, 5));
    }

    @Test
    void a_stream_that_asked_to_be_cancelled_on_disconnect_stops_at_once() {
        var first = new RecordingStreamEvents();
        start(FIRST, ALICE, StreamRequestDraft.ofMessage("hi").withOnDisconnect("cancel"), first);
        ScriptedStream call = openai.nextCall();
        call.delta("a");

        clients.disconnect(FIRST);

        assertThat(call.isCancelled()).isTrue();
    }

    private long producedSoFar(RecordingStreamEvents events) {
        return events.of(StreamChunk.class).getLast().tokensUsed().value();
    }

    private StreamQuality storedQuality(SessionId id) {
        Eventually.becomes(() -> sessions.find(id, ALICE).filter(view -> !view.status().equals("running")).isPresent());
        return sessions.find(id, ALICE).orElseThrow().quality();
    }

    @Test
    void tokens_billed_after_the_client_left_and_nobody_resumed_are_waste() {
        // given five chunks delivered, then the client is gone
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 5);
        long delivered = producedSoFar(first);
        clients.disconnect(FIRST);

        // when the model goes on for the grace, reports 100 output tokens, and is cancelled
        play(call, 5, 8);
        call.usage(20, 100);
        scheduler.runAll();

        // then what was billed past the delivered tokens is waste, and only the delivered chunks were sent
        StreamQuality quality = storedQuality(id);
        assertThat(quality.wasteTokens()).isEqualTo(100 - delivered).isPositive();
        assertThat(quality.chunksSent()).isEqualTo(5);
        assertThat(quality.bytesSent()).isEqualTo(IntStream.range(0, 5).mapToObj(ResumeStreamServiceTest::piece)
                .mapToInt(piece -> piece.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum());
        assertThat(quality.resumes()).isZero();
    }

    @Test
    void tokens_billed_after_a_cancel_until_the_upstream_stopped_are_waste() {
        // given five chunks delivered and a provider whose running usage says 60 output tokens so far
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 5);
        long delivered = producedSoFar(first);
        call.usage(20, 60);

        // when the client cancels
        cancels.cancel(new dev.vctt.stream.application.port.in.CancelStreamCommand(FIRST, id));
        first.await(StreamCompleted.class);

        // then the tokens billed beyond those delivered are waste
        assertThat(storedQuality(id).wasteTokens()).isEqualTo(60 - delivered).isPositive();
    }

    @Test
    void a_stream_resumed_and_heard_to_the_end_counts_its_resume_and_wastes_nothing() {
        // given chunks 10 ms apart, one stall of half a second, and a client that leaves and resumes
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMillis(i == 3 ? 500 : 10));
            call.delta(piece(i));
        }
        clients.disconnect(FIRST);
        var second = new RecordingStreamEvents();
        resume(SECOND, ALICE, id, 5, second);

        // when it completes with the resumer listening
        call.usage(20, 40);
        call.complete(FinishReason.STOP);
        second.await(StreamCompleted.class);

        // then one resume, no waste, gaps p50 10 ms and p99 the stall
        StreamQuality quality = storedQuality(id);
        assertThat(quality.resumes()).isEqualTo(1);
        assertThat(quality.wasteTokens()).isZero();
        assertThat(quality.gapP50Ms().getAsDouble()).isCloseTo(10, within(10 / 16.0));
        assertThat(quality.gapP99Ms().getAsDouble()).isCloseTo(500, within(500 / 16.0));
    }

    @Test
    void after_a_crash_a_resume_gets_what_was_kept_then_interrupted_and_a_resync_when_the_client_holds_more() {
        // given a session a crash left running, with three chunks in the log
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        play(call, 0, 3);
        flusher.flushNow();
        play(call, 3, 6);
        active.remove(active.findForResume(id).orElseThrow());
        RunningSession left = sessions.running().getFirst();
        new RecoverSessionsService(new InMemoryStreamLeases(sessions), ledger, TestCatalog.prices(), clock).recover();
        assertThat(sessions.running()).isEmpty();
        assertThat(left.id()).isEqualTo(id);

        // when one client resumes from what it holds (2) and another holds more (5) than was kept
        var behind = new RecordingStreamEvents();
        var ahead = new RecordingStreamEvents();
        resume(SECOND, ALICE, id, 2, behind);
        resume(THIRD, ALICE, id, 5, ahead);

        // then
        assertThat(behind.of(StreamChunk.class)).extracting(StreamChunk::index).containsExactly(2);
        StreamCompleted interrupted = behind.await(StreamCompleted.class);
        assertThat(interrupted.finishReason()).isEqualTo(FinishReason.INTERRUPTED);
        assertThat(interrupted.fullText()).isEqualTo(piece(0) + piece(1) + piece(2));
        assertThat(behind.of(StreamResync.class)).isEmpty();
        assertThat(ahead.all()).hasSize(2);
        assertThat(ahead.all().getFirst()).isInstanceOfSatisfying(StreamResync.class, resync -> {
            assertThat(resync.fromIndex()).isEqualTo(3);
            assertThat(resync.text()).isEmpty();
        });
        assertThat(ahead.all().getLast()).isInstanceOfSatisfying(StreamCompleted.class,
                done -> assertThat(done.finishReason()).isEqualTo(FinishReason.INTERRUPTED));
    }

    @Test
    void chunks_reach_the_log_by_the_flusher_by_the_stream_itself_when_far_ahead_and_at_the_end() {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();

        play(call, 0, 3);
        assertThat(chunkLog.chunkCount()).isZero();
        flusher.flushNow();
        assertThat(chunkLog.read(id, 0)).hasSize(3);
        play(call, 3, 7);
        assertThat(chunkLog.read(id, 0)).as("4 new chunks are handed over by the stream").hasSize(7);
        play(call, 7, 9);
        flusher.flushNow();
        flusher.flushNow();
        call.delta(piece(9)).complete(FinishReason.STOP);

        assertThat(chunkLog.read(id, 0)).extracting(c -> c.text()).containsExactlyElementsOf(
                IntStream.range(0, 10).mapToObj(ResumeStreamServiceTest::piece).toList());
        assertThat(chunkLog.appends()).as("one hand-over per flush with news, never per chunk").isEqualTo(4);
    }

    @Test
    void the_flusher_hands_over_every_tick_and_drops_batches_twice_the_retention_old() {
        var first = new RecordingStreamEvents();
        SessionId id = start(first);
        ScriptedStream call = openai.nextCall();
        call.delta("kept").complete(FinishReason.STOP);
        flusher.start();
        assertThat(scheduler.delays()).contains(Duration.ofSeconds(1));

        clock.advance(Duration.ofHours(47));
        scheduler.runAll();
        assertThat(chunkLog.read(id, 0)).as("still inside twice the retention").hasSize(1);

        clock.advance(Duration.ofHours(2));
        scheduler.runAll();
        assertThat(chunkLog.read(id, 0)).isEmpty();
        assertThat(scheduler.delays()).as("the flusher goes on").contains(Duration.ofSeconds(1));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
