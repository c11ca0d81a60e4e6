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
import dev.vctt.stream.domain.request.StreamRequestDraft;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A connection has at most {@code maxPending} starts and resumes in progress; more are refused at once with a typed code. */
class PendingLimitTest {

    private static final int LIMIT = 4;

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger most = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> frames = new CopyOnWriteArrayList<>();
    private final List<CommandReceipt> receipts = new CopyOnWriteArrayList<>();
    private final ClientConnection connection = connection();

    @AfterEach
    void stop_workers() {
        release.countDown();
        work.shutdownNow();
    }

    private ClientConnection connection() {
        var active = new ActiveStreams(8);
        var useCases = new StreamingUseCases(AuthenticateClientService.open(),
                (command, events) -> {
                    held();
                    return new StartOutcome.Refused(ErrorCode.BUDGET_EXCEEDED, "no budget");
                },
                new CancelStreamService(active),
                (command, events) -> {
                    held();
                    return new ResumeOutcome.Resumed(command.sessionId());
                },
                new CountActiveStreamsService(active), new ConnectClientService(active));
        var built = new ClientConnection(ClientId.of("c-1"), Caller.ANONYMOUS, (event, data) -> event, useCases, work,
                Clock.systemUTC(), LIMIT);
        built.attach(new Outbox((frame, done) -> {
            frames.add(frame);
            done.accept(null);
        }, 1 << 22, 8, giveUp -> { }));
        return built;
    }

    /** A replay (or a start) that takes until the test releases it. */
    private void held() {
        calls.incrementAndGet();
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.decrementAndGet();
        }
    }

    @Test
    void a_client_firing_a_thousand_resumes_gets_at_most_the_limit_replayed_at_once_and_a_typed_refusal_for_the_rest() {
        // when
        for (int i = 0; i < 1000; i++) {
            connection.receive(new ClientCommand.ResumeStream(SessionId.of("s-" + i), 0), receipts::add);
        }

        // then: the limit runs, every other one is refused at once, as TOO_MANY_STREAMS
        becomes(() -> running.get() == LIMIT);
        assertThat(receipts).hasSize(1000 - LIMIT).allSatisfy(receipt -> assertThat(receipt)
                .isEqualTo(new CommandReceipt.Refused(ErrorCode.TOO_MANY_STREAMS, ((CommandReceipt.Refused) receipt).message())));
        assertThat(frames).hasSize(1000 - LIMIT).containsOnly(WireNames.STREAM_ERROR);

        // and once those are answered, the connection takes new ones again
        release.countDown();
        becomes(() -> receipts.size() == 1000);
        connection.receive(new ClientCommand.ResumeStream(SessionId.of("s-later"), 0), receipts::add);
        becomes(() -> receipts.size() == 1001);
        assertThat(receipts.getLast()).isEqualTo(new CommandReceipt.Accepted(SessionId.of("s-later")));
        assertThat(most).hasValue(LIMIT);
        assertThat(calls).hasValue(LIMIT + 1);
    }

    @Test
    void starts_count_toward_the_same_limit_as_resumes() {
        // given the limit reached by stream starts still being decided
        for (int i = 0; i < LIMIT; i++) {
            connection.receive(new ClientCommand.RequestStream(StreamRequestDraft.ofMessage("hi"), Optional.of("r-" + i)),
                    receipts::add);
        }
        becomes(() -> running.get() == LIMIT);

        // when
        connection.receive(new ClientCommand.ResumeStream(SessionId.of("s-1"), 0), receipts::add);

        // then
        assertThat(receipts).singleElement().extracting(receipt -> ((CommandReceipt.Refused) receipt).code())
                .isEqualTo(ErrorCode.TOO_MANY_STREAMS);
        assertThat(calls).hasValue(LIMIT);
    }
}
