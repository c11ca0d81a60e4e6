package dev.vctt.stream.adapters.persistence;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.adapters.persistence.session.JdbcSessionStore;
import dev.vctt.stream.application.port.out.SessionClosed;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.application.testing.TestSessions;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.session.SessionId;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The database goes away and comes back: the store keeps accepting records without making anyone
 * wait, reads fail fast and clearly, and every accepted record is written once it is back. The
 * embedded PostgreSQL also shows it keeps its data across restarts.
 */
class DatabaseOutageIT {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void records_accepted_while_the_database_is_down_are_written_when_it_is_back() throws Exception {
        Path data = Files.createTempDirectory("vctt-outage");
        int port;
        try (var probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        EmbeddedDatabase embedded = EmbeddedDatabase.start(data, port);
        try (Database database = Database.open(embedded.settings("public", 4));
             var writer = new JdbcWriter(database.dataSource(), 100, Duration.ofMillis(50), Duration.ofMillis(500))) {
            var store = new JdbcSessionStore(database.dataSource(), writer);
            SessionId before = SessionId.of("before-outage");
            store.opened(TestSessions.opened(before, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
            holds(() -> assertThat(store.find(before, Caller.ANONYMOUS)).isPresent());

            embedded.close();
            SessionId during = SessionId.of("during-outage");
            long started = System.nanoTime();
            store.opened(TestSessions.opened(during, Caller.ANONYMOUS, AgentRole.ANALYST, T0));
            store.closed(new SessionClosed(TestSessions.completed(during, AgentRole.ANALYST, T0, 100), "Four.",
                    Optional.empty(), Optional.empty()));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("accepting never waits").isLessThan(Duration.ofMillis(200));
            assertThatThrownBy(() -> store.find(before, Caller.ANONYMOUS)).isInstanceOf(StoreUnavailable.class);
            assertThat(store.reachable()).isFalse();
            assertThat(writer.backlog()).isPositive();

            embedded = EmbeddedDatabase.start(data, port);

            holds(Duration.ofSeconds(30), () -> {
                assertThat(store.find(during, Caller.ANONYMOUS)).hasValueSatisfying(view ->
                        assertThat(view.status()).isEqualTo("completed"));
                assertThat(store.find(before, Caller.ANONYMOUS)).as("kept across the restart").isPresent();
            });
            assertThat(writer.backlog()).isZero();
            try (var connection = database.dataSource().getConnection();
                 var show = connection.createStatement().executeQuery("select current_setting('fsync'), current_setting('synchronous_commit')")) {
                show.next();
                assertThat(show.getString(1)).as("fsync").isEqualTo("on");
                assertThat(show.getString(2)).as("synchronous_commit").isEqualTo("on");
            }
        } finally {
            embedded.close();
        }
    }

    @Test
    void a_full_backlog_refuses_new_sessions_but_never_their_ends() throws Exception {
        Path data = Files.createTempDirectory("vctt-backlog");
        EmbeddedDatabase embedded = EmbeddedDatabase.start(data);
        try (Database database = Database.open(embedded.settings("public", 2));
             var writer = new JdbcWriter(database.dataSource(), 2, Duration.ofMillis(50), Duration.ofMillis(200))) {
            var store = new JdbcSessionStore(database.dataSource(), writer);
            embedded.close();

            store.opened(TestSessions.opened(SessionId.of("a"), Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
            store.opened(TestSessions.opened(SessionId.of("b"), Caller.ANONYMOUS, AgentRole.PRIMARY, T0));

            assertThatThrownBy(() -> store.opened(TestSessions.opened(SessionId.of("c"), Caller.ANONYMOUS,
                    AgentRole.PRIMARY, T0))).isInstanceOf(StoreUnavailable.class).hasMessageContaining("behind");
            store.closed(new SessionClosed(TestSessions.cancelled(SessionId.of("a"), T0), "Fo", Optional.empty(),
                    Optional.empty()));
            assertThat(writer.backlog()).isEqualTo(3);
        }
    }
}
