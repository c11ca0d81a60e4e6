package dev.vctt.stream.adapters.websocket.connection;

import static dev.vctt.stream.application.testing.Eventually.becomes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.ResumeOutcome;
import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.service.CancelStreamService;
import dev.vctt.stream.application.service.ConnectClientService;
import dev.vctt.stream.application.service.CountActiveStreamsService;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A replay goes at the client's pace: it waits for the outbox instead of overflowing it. */
class ReplayPacingTest {

    private static final int FRAME = 100;

    /** A transport that completes sends only when the test says so. */
    private static final class ManualSender implements Outbox.Sender {
        private final List<String> sent = new ArrayList<>();
        private final List<Consumer<Throwable>> pending = new ArrayList<>();

        @Override
        public synchronized void send(String frame, Consumer<Throwable> done) {
            sent.add(frame);
            pending.add(done);
        }

        synchronized boolean hasPending() {
            return !pending.isEmpty();
        }

        void completeOldest() {
            Consumer<Throwable> done;
            synchronized (this) {
                done = pending.removeFirst();
            }
            done.accept(null);
        }

        synchronized List<String> sent() {
            return List.copyOf(sent);
        }
    }

    @Test
    void a_replay_ten_times_the_outbox_waits_for_the_client_and_sends_every_chunk_in_order() throws Exception {
        // given a connection whose outbox holds ten frames and whose client takes one at a time
        var active = new ActiveStreams(1);
        var useCases = new StreamingUseCases(AuthenticateClientService.open(),
                (command, events) -> new StartOutcome.Refused(ErrorCode.INTERNAL_ERROR, "not here"),
                new CancelStreamService(active),
                (command, events) -> new ResumeOutcome.Refused(ErrorCode.STREAM_NOT_FOUND, "not here"),
                new CountActiveStreamsService(active), new ConnectClientService(active));
        FrameCodec codec = (event, data) -> event + "#" + "x".repeat(FRAME - event.length() - 1);
        var connection = new ClientConnection(ClientId.of("c-1"), Caller.ANONYMOUS, codec, useCases, Runnable::run,
                Clock.systemUTC());
        var sender = new ManualSender();
        var overflows = new AtomicInteger();
        connection.attach(new Outbox(sender, 10 * FRAME, 1, giveUp -> overflows.incrementAndGet()));
        int chunks = 100;

        // when a resume replays a hundred chunks on its own thread
        Thread replay = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < chunks; i++) {
                connection.replayed(new StreamChunk(SessionId.of("s-1"), i, "c" + i, ModelId.of("gpt-4o"), TokenCount.ZERO,
                        Usd.ZERO, Instant.EPOCH));
            }
        });
        int completed = 0;
        while (completed < chunks) {
            becomes(sender::hasPending);
            sender.completeOldest();
            completed++;
        }
        replay.join();

        // then
        assertThat(overflows.get()).isZero();
        assertThat(sender.sent()).hasSize(chunks);
    }

    @Test
    void a_replay_to_a_client_that_takes_nothing_is_shed_after_one_patience_and_its_outbox_freed() throws Exception {
        // given a connection with a one-second replay patience whose client never completes a send
        var active = new ActiveStreams(1);
        var useCases = new StreamingUseCases(AuthenticateClientService.open(),
                (command, events) -> new StartOutcome.Refused(ErrorCode.INTERNAL_ERROR, "not here"),
                new CancelStreamService(active),
                (command, events) -> new ResumeOutcome.Refused(ErrorCode.STREAM_NOT_FOUND, "not here"),
                new CountActiveStreamsService(active), new ConnectClientService(active));
        FrameCodec codec = (event, data) -> event + "#" + "x".repeat(FRAME - event.length() - 1);
        Duration patience = Duration.ofSeconds(1);
        var connection = new ClientConnection(ClientId.of("c-1"), Caller.ANONYMOUS, codec, useCases, Runnable::run,
                Clock.systemUTC(), 1, patience);
        var sender = new ManualSender();
        var givenUp = new CopyOnWriteArrayList<Outbox.GiveUp>();
        var outbox = new Outbox(sender, 10 * FRAME, 1, givenUp::add);
        connection.attach(outbox);

        // when a resume replays a hundred chunks
        long began = System.nanoTime();
        Thread replay = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 100; i++) {
                connection.replayed(new StreamChunk(SessionId.of("s-1"), i, "c" + i, ModelId.of("gpt-4o"), TokenCount.ZERO,
                        Usd.ZERO, Instant.EPOCH));
            }
        });
        replay.join();
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        // then it is shed once, as a slow reader, after one patience (not one per chunk past half the outbox)
        assertThat(givenUp).containsExactly(Outbox.GiveUp.SLOW_CONSUMER);
        assertThat(took).isBetween(patience, patience.multipliedBy(3));
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.pendingChars()).isZero();
        assertThat(sender.sent()).hasSize(1);
    }
}
