package dev.vctt.stream.adapters.persistence;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vctt.stream.adapters.persistence.session.JdbcSessionStore;
import dev.vctt.stream.application.port.out.SessionClosed;
import dev.vctt.stream.application.testing.TestSessions;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.session.SessionId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL is killed (kill -9 of its postmaster): it is started again, the health
 * check sees the database up again, and the records accepted meanwhile are written.
 */
class EmbeddedDatabaseRestartIT {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void a_killed_embedded_postgresql_is_started_again_and_the_waiting_records_land() throws Exception {
        // given: a store on an embedded PostgreSQL, with one session stored
        var logged = new ListAppender<ILoggingEvent>();
        logged.start();
        ((Logger) LoggerFactory.getLogger(EmbeddedDatabase.class)).addAppender(logged);
        Path data = Files.createTempDirectory("vctt-restart");
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(data);
             Database database = Database.open(embedded.settings("public", 4));
             var writer = new JdbcWriter(database.dataSource(), 100, Duration.ofMillis(50), Duration.ofMillis(500))) {
            var store = new JdbcSessionStore(database.dataSource(), writer);
            SessionId before = SessionId.of("before-the-kill");
            store.opened(TestSessions.opened(before, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
            holds(() -> assertThat(store.find(before, Caller.ANONYMOUS)).isPresent());
            long postmaster = postmasterPid(data);

            // when: its postmaster is killed (SIGKILL), and records keep coming
            ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
            holds(() -> assertThat(ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive)).isEmpty());
            SessionId during = SessionId.of("while-it-was-down");
            store.opened(TestSessions.opened(during, Caller.ANONYMOUS, AgentRole.ANALYST, T0));
            store.closed(new SessionClosed(TestSessions.completed(during, AgentRole.ANALYST, T0, 100), "Four.",
                    Optional.empty(), Optional.empty()));

            // then: PostgreSQL runs again (a new postmaster), the health check says so, and nothing is lost
            holds(Duration.ofSeconds(60), () -> {
                // the restart is done when the watcher has counted it, not merely when the database answers
                assertThat(embedded.restarts()).isEqualTo(1);
                assertThat(store.reachable()).as("database health").isTrue();
                assertThat(store.find(during, Caller.ANONYMOUS)).hasValueSatisfying(view ->
                        assertThat(view.status()).isEqualTo("completed"));
            });
            assertThat(store.find(before, Caller.ANONYMOUS)).as("committed before the kill").isPresent();
            assertThat(postmasterPid(data)).isNotEqualTo(postmaster);
            holds(() -> assertThat(writer.backlog()).isZero());
            holds(() -> assertThat(List.copyOf(logged.list)).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(line -> line.contains("(pid " + postmaster + ") has died"))
                    .anyMatch(line -> line.contains("is back on port " + embedded.port())));
        } finally {
            ((Logger) LoggerFactory.getLogger(EmbeddedDatabase.class)).detachAppender(logged);
        }
        assertThat(data.resolve("postmaster.pid")).as("stopped at close, not started again").doesNotExist();
    }

    private static long postmasterPid(Path data) throws Exception {
        return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.US_ASCII).getFirst().strip());
    }
}
