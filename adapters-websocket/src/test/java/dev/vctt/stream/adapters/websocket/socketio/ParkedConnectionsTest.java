package dev.vctt.stream.adapters.websocket.socketio;

import static dev.vctt.stream.application.testing.Eventually.becomes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParkedConnectionsTest {

    private static final Caller ALICE = Caller.of(ApiKeyId.of("key-alice"));
    private static final Caller BOB = Caller.of(ApiKeyId.of("key-bob"));

    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private ParkedConnections parked(Duration window, int max) {
        return new ParkedConnections(new SocketIoSettings.Recovery(true, window, 16, max), timers);
    }

    private static ParkedConnections.Parked of(Caller caller) {
        return new ParkedConnections.Parked(caller, "sid", new RecoveryLedger(16));
    }

    @Test
    void a_parked_connection_is_claimed_once_and_only_by_its_own_key() {
        ParkedConnections parked = parked(Duration.ofMinutes(1), 10);
        parked.park("p1", of(ALICE));

        assertThat(parked.claim("p1", BOB)).isEmpty();
        assertThat(parked.claim("p1", ALICE)).isPresent();
        assertThat(parked.claim("p1", ALICE)).isEmpty();
    }

    @Test
    void a_parked_connection_expires_after_the_window() {
        ParkedConnections parked = parked(Duration.ofMillis(50), 10);
        parked.park("p1", of(ALICE));

        becomes(() -> parked.parkedCount() == 0);
        assertThat(parked.claim("p1", ALICE)).isEmpty();
    }

    @Test
    void no_more_than_the_maximum_wait_at_once() {
        ParkedConnections parked = parked(Duration.ofMinutes(1), 2);
        parked.park("p1", of(ALICE));
        parked.park("p2", of(ALICE));
        parked.park("p3", of(ALICE));

        assertThat(parked.parkedCount()).isEqualTo(2);
        assertThat(parked.claim("p3", ALICE)).isEmpty();
    }
}
