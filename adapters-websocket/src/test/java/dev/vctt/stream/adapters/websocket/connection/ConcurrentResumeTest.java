package dev.vctt.stream.adapters.websocket.connection;

import static dev.vctt.stream.application.testing.Eventually.becomes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.ResumeOutcome;
import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.service.CancelStreamService;
import dev.vctt.stream.application.service.ConnectClientService;
import dev.vctt.stream.application.service.CountActiveStreamsService;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One connection replays a stream once at a time: a second resume while the first replays would send its indexes twice. */
class ConcurrentResumeTest {

    @Test
    void a_second_resume_of_a_stream_being_replayed_on_the_same_connection_is_refused_and_a_later_one_runs() throws Exception {
        // given a connection whose first resume of s-1 is still replaying
        var replaying = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var resumes = new AtomicInteger();
        var active = new ActiveStreams(1);
        var useCases = new StreamingUseCases(AuthenticateClientService.open(),
                (command, events) -> new StartOutcome.Refused(ErrorCode.INTERNAL_ERROR, "not here"),
                new CancelStreamService(active),
                (command, events) -> {
                    if (resumes.incrementAndGet() == 1) {
                        replaying.countDown();
                        awaitQuietly(release);
                    }
                    return new ResumeOutcome.Resumed(command.sessionId());
                },
                new CountActiveStreamsService(active), new ConnectClientService(active));
        List<String> frames = new CopyOnWriteArrayList<>();
        var connection = new ClientConnection(ClientId.of("c-1"), Caller.ANONYMOUS, (event, data) -> event, useCases,
                Executors.newVirtualThreadPerTaskExecutor(), Clock.systemUTC());
        connection.attach(new Outbox((frame, done) -> {
            frames.add(frame);
            done.accept(null);
        }, 1 << 20, 8, giveUp -> { }));
        List<CommandReceipt> receipts = new CopyOnWriteArrayList<>();
        var resume = new ClientCommand.ResumeStream(SessionId.of("s-1"), 0);
        connection.receive(resume, receipts::add);
        replaying.await();

        // when the client asks again for the same stream, then once the first replay is done
        connection.receive(resume, receipts::add);
        becomes(() -> receipts.size() == 1);
        release.countDown();
        becomes(() -> receipts.size() == 2);
        connection.receive(resume, receipts::add);

        // then the second is refused with a typed error, the first and the third run
        becomes(() -> receipts.size() == 3);
        assertThat(receipts.getFirst()).isInstanceOf(CommandReceipt.Refused.class)
                .extracting(receipt -> ((CommandReceipt.Refused) receipt).code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(receipts.subList(1, 3)).allMatch(CommandReceipt.Accepted.class::isInstance);
        assertThat(resumes).hasValue(2);
        assertThat(frames).containsExactly(WireNames.STREAM_ERROR);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
