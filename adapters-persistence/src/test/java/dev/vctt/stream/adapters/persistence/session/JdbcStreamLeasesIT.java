package dev.vctt.stream.adapters.persistence.session;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.adapters.persistence.chunk.JdbcChunkLog;
import dev.vctt.stream.adapters.persistence.session.JdbcStreamLeases.Takeover;
import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.ChunkBatch;
import dev.vctt.stream.application.port.out.LoggedChunk;
import dev.vctt.stream.application.port.out.RunningSession;
import dev.vctt.stream.application.port.out.SessionClosed;
import dev.vctt.stream.application.port.out.SessionJournal;
import dev.vctt.stream.application.port.out.SessionProgress;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.application.port.out.StreamLeases;
import dev.vctt.stream.application.port.out.StreamLeasesContract;
import dev.vctt.stream.application.testing.TestCatalog;
import dev.vctt.stream.application.testing.TestSessions;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import dev.vctt.stream.adapters.persistence.Database;
import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcStreamLeasesIT extends StreamLeasesContract {

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    private static final AtomicInteger NODES = new AtomicInteger();
    private static final ModelId GPT = TestCatalog.GPT_4O.model();

    /** A node whose lease is over almost as soon as it is granted, and that never renews it. */
    private final JdbcStreamLeases dead = node("dead", Duration.ofMillis(1));
    private final JdbcSessionStore deadJournal = new JdbcSessionStore(fixture.database.dataSource(), fixture.writer,
            dead.token());
    private final JdbcSessionStore reader = new JdbcSessionStore(fixture.database.dataSource(), fixture.writer);

    private static JdbcStreamLeases node(String name, Duration lease) {
        return JdbcStreamLeases.join(fixture.database.dataSource(), name + "-" + NODES.incrementAndGet(), lease,
                Takeover.SHARED);
    }

    @Override
    protected SessionJournal deadNodeJournal() {
        return deadJournal;
    }

    @Override
    protected StreamLeases liveNode() {
        return node("live", Duration.ofMinutes(5));
    }

    @Override
    protected SessionQueries queries() {
        return reader;
    }

    @Override
    protected void deadNodeWritesLanded() {
        SessionId marker = newId();
        deadJournal.opened(TestSessions.opened(marker, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
        holds(() -> assertThat(reader.find(marker, Caller.ANONYMOUS)).isPresent());
    }

    private static SessionId newId() {
        return SessionId.of(UUID.randomUUID().toString());
    }

    @Test
    void a_node_whose_pool_is_taken_up_by_its_traffic_still_renews_its_lease_on_its_own_connection() throws Exception {
        var settings = fixture.settings;
        try (var database = Database.open(new DatabaseSettings(settings.url(), settings.user(), settings.password(),
                settings.schema(), 2))) {
            var leases = JdbcStreamLeases.join(database.dataSource(), database.heartbeatDataSource(),
                    "busy-" + NODES.incrementAndGet(), Duration.ofMinutes(5), Takeover.SHARED);
            var throughThePool = JdbcStreamLeases.join(database.dataSource(), "pooled-" + NODES.incrementAndGet(),
                    Duration.ofMinutes(5), Takeover.SHARED);
            // every pooled connection held, as by a burst of reservations queued on one budget row
            List<Connection> held = new ArrayList<>();
            try {
                held.add(database.dataSource().getConnection());
                held.add(database.dataSource().getConnection());

                leases.renew();
                assertThatThrownBy(throughThePool::renew).as("the same renewal through the pool")
                        .isInstanceOf(StoreUnavailable.class);
            } finally {
                for (Connection connection : held) {
                    connection.close();
                }
            }
        }
    }

    @Test
    void the_sessions_of_a_node_whose_lease_holds_are_not_taken_over() {
        // given a session of a live node, stored
        JdbcStreamLeases owner = node("owner", Duration.ofMinutes(5));
        var ownerJournal = new JdbcSessionStore(fixture.database.dataSource(), fixture.writer, owner.token());
        SessionId id = newId();
        ownerJournal.opened(TestSessions.opened(id, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
        holds(() -> assertThat(reader.find(id, Caller.ANONYMOUS)).isPresent());

        // when another node takes over what was abandoned, and the owner renews its lease
        List<RunningSession> taken = liveNode().takeOverAbandoned(T0.plusSeconds(60));
        owner.renew();

        // then the session is still running, the owner's
        assertThat(taken).extracting(RunningSession::id).doesNotContain(id);
        assertThat(reader.find(id, Caller.ANONYMOUS).orElseThrow().status()).isEqualTo("running");
    }

    @Test
    void a_later_run_of_the_same_node_takes_over_the_sessions_of_the_earlier_one_at_once() {
        // given a session of a node run whose lease still holds
        JdbcStreamLeases earlier = JdbcStreamLeases.join(fixture.database.dataSource(), "restarted", Duration.ofHours(1),
                Takeover.SHARED);
        var journal = new JdbcSessionStore(fixture.database.dataSource(), fixture.writer, earlier.token());
        SessionId id = newId();
        journal.opened(TestSessions.opened(id, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
        holds(() -> assertThat(reader.find(id, Caller.ANONYMOUS)).isPresent());

        // when the same node starts again (it knows its earlier run is gone) and takes over
        JdbcStreamLeases later = JdbcStreamLeases.join(fixture.database.dataSource(), "restarted", Duration.ofHours(1),
                Takeover.SHARED);
        List<RunningSession> taken = later.takeOverAbandoned(T0.plusSeconds(60));

        // then
        assertThat(later.token()).isGreaterThan(earlier.token());
        assertThat(taken).extracting(RunningSession::id).contains(id);
    }

    @Test
    void a_node_that_lost_its_lease_can_no_longer_write_to_its_sessions_nor_their_chunk_log() {
        // given a session of the dead node with one chunk batch, taken over
        var deadLog = new JdbcChunkLog(fixture.database.dataSource(), fixture.writer, dead.token());
        SessionId id = newId();
        deadJournal.opened(TestSessions.opened(id, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
        deadLog.append(List.of(new ChunkBatch(id, 0, List.of("Half"), List.of(GPT))));
        deadNodeWritesLanded();
        StreamLeases taker = liveNode();
        holds(() -> assertThat(taker.takeOverAbandoned(T0.plusSeconds(60))).extracting(RunningSession::id).contains(id));

        // when the stale node goes on writing: a chunk batch, progress, its end
        deadLog.append(List.of(new ChunkBatch(id, 1, List.of(" more"), List.of(GPT))));
        deadJournal.progressed(List.of(new SessionProgress(id, TestCatalog.GPT_4O, 1, 2, "Half more", TokenCount.of(20),
                TokenCount.of(2), Usd.of("0.00007"), Optional.of(T0.plusMillis(100)), T0.plusSeconds(90))));
        deadJournal.closed(new SessionClosed(TestSessions.completed(id, AgentRole.PRIMARY, T0, 100), "Half more.",
                Optional.empty(), Optional.empty()));
        deadNodeWritesLanded();

        // then none of it landed
        var log = new JdbcChunkLog(fixture.database.dataSource(), fixture.writer);
        assertThat(log.read(id, 0)).containsExactly(new LoggedChunk(0, "Half", GPT));
        var view = reader.find(id, Caller.ANONYMOUS).orElseThrow();
        assertThat(view.status()).isEqualTo("interrupted");
        assertThat(view.messages().getLast().content()).isNotEqualTo("Half more.");
    }
}
