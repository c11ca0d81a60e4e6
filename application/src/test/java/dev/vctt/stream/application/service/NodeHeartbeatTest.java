package dev.vctt.stream.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.out.StreamLeases;
import dev.vctt.stream.application.port.out.NodeIdentity;
import dev.vctt.stream.application.port.out.RunningSession;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.InMemorySpendLedger;
import dev.vctt.stream.application.testing.InMemoryStreamLeases;
import dev.vctt.stream.application.testing.ManualScheduler;
import dev.vctt.stream.application.testing.SteppingClock;
import dev.vctt.stream.application.testing.TestCatalog;
import dev.vctt.stream.application.testing.TestSessions;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeHeartbeatTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration EVERY = Duration.ofSeconds(3);

    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemorySpendLedger ledger = new InMemorySpendLedger();
    private final InMemoryStreamLeases leases = new InMemoryStreamLeases(sessions);
    private final ManualScheduler scheduler = new ManualScheduler();

    @Test
    void every_beat_renews_the_lease_takes_over_what_dead_nodes_left_and_bills_it_then_comes_again() {
        // given a session a dead node left running
        SessionId left = SessionId.of("left-by-a-dead-node");
        sessions.opened(TestSessions.opened(left, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
        var heartbeat = new NodeHeartbeat(leases,
                Optional.of(new RecoverSessionsService(leases, ledger, TestCatalog.prices(), InstantSource.fixed(T0))),
                scheduler, InstantSource.fixed(T0), EVERY);

        // when it beats once
        heartbeat.start();
        scheduler.runAll();

        // then
        assertThat(leases.renewals()).isEqualTo(1);
        assertThat(sessions.find(left, Caller.ANONYMOUS).orElseThrow().status()).isEqualTo("interrupted");
        assertThat(ledger.entriesOf(left)).hasSize(1);
        assertThat(scheduler.delays()).containsExactly(EVERY);
    }

    @Test
    void alone_on_its_database_a_node_only_renews() {
        SessionId running = SessionId.of("running-here");
        sessions.opened(TestSessions.opened(running, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
        var heartbeat = new NodeHeartbeat(leases, Optional.empty(), scheduler, InstantSource.fixed(T0), EVERY);

        heartbeat.beat();

        assertThat(leases.renewals()).isEqualTo(1);
        assertThat(sessions.find(running, Caller.ANONYMOUS).orElseThrow().status()).isEqualTo("running");
    }

    @Test
    void a_store_that_cannot_renew_leaves_the_lag_growing_and_the_beats_going() {
        var clock = new SteppingClock(T0, Duration.ofSeconds(1));
        StreamLeases down = new StreamLeases() {
            @Override
            public NodeIdentity node() {
                return new NodeIdentity("down", 1);
            }

            @Override
            public void renew() {
                throw new StoreUnavailable("down");
            }

            @Override
            public List<RunningSession> takeOverAbandoned(Instant at) {
                throw new StoreUnavailable("down");
            }
        };
        var heartbeat = new NodeHeartbeat(down, Optional.empty(), scheduler, clock, EVERY);

        heartbeat.start();
        scheduler.runAll();

        assertThat(heartbeat.sinceRenewed()).isPositive();
        assertThat(scheduler.delays()).containsExactly(EVERY);
    }
}
