package dev.vctt.stream.adapters.persistence;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Writes that can never succeed next to ordinary ones: the ordinary ones land promptly, the others
 * are set aside (kept, logged without their content, counted) and hold nothing back.
 */
class JdbcWriterIT {

    /** What a user might have typed; it must never reach the log. */
    private static final String SECRET = "my card is 4111 1111";

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private String table;

    @BeforeEach
    void create_table_and_watch_the_log() throws SQLException {
        table = "notes_" + System.identityHashCode(this);
        try (Connection connection = fixture.database.dataSource().getConnection();
             Statement create = connection.createStatement()) {
            create.execute("create table " + table + " (n integer primary key, body text not null)");
        }
        logged.start();
        ((Logger) LoggerFactory.getLogger(JdbcWriter.class)).addAppender(logged);
    }

    @AfterEach
    void stop_watching_the_log() {
        ((Logger) LoggerFactory.getLogger(JdbcWriter.class)).detachAppender(logged);
    }

    @Test
    void a_write_that_can_never_succeed_is_set_aside_and_the_writes_around_it_land_promptly() throws SQLException {
        // given: many ordinary writes, queued together so that they share batches with the poison ones
        long setAsideBefore = fixture.writer.setAsideCount();
        var writes = new ArrayList<Runnable>();
        for (int n = 0; n < 300; n++) {
            int number = n;
            writes.add(() -> fixture.writer.submit("note " + number, "note " + number, insert(number, "fine " + number)));
        }
        // U+0000 in text: PostgreSQL refuses it (22021) however often it is asked
        writes.add(10, () -> fixture.writer.submit("poison note with NUL", "poison " + SECRET + "\0",
                insert(100_000, SECRET + "\0")));
        // a duplicate key: a constraint violation (23505)
        writes.add(200, () -> fixture.writer.submit("poison note with a taken key", "duplicate " + SECRET,
                insert(7, SECRET)));
        // a bug in the write's own code
        writes.add(250, () -> fixture.writer.submit("poison note that throws", "bug " + SECRET, connection -> {
            throw new IllegalStateException(SECRET);
        }));
        long started = System.nanoTime();

        // when
        writes.forEach(Runnable::run);

        // then: every ordinary write is stored, promptly (ten retries used to hold them back 16 s)
        holds(Duration.ofSeconds(10), () -> assertThat(count("body like 'fine %'")).isEqualTo(300));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        assertThat(count("n = 7 and body = 'fine 7'")).as("the first write of key 7 stands").isEqualTo(1);
        // the poison ones are set aside, counted, and kept with their record
        holds(() -> assertThat(fixture.writer.setAsideCount() - setAsideBefore).isEqualTo(3));
        // (a write is counted as set aside before its dead letter is written: wait for the letter itself)
        holds(() -> assertThat(deadLettersNow()).contains(
                List.of("poison note with NUL", "22021", StoredText.escape("poison " + SECRET + "\0")),
                List.of("poison note with a taken key", "23505", "duplicate " + SECRET),
                List.of("poison note that throws", "", "bug " + SECRET)));
        assertThat(fixture.writer.backlog()).isZero();
        // and the log names them without what the user wrote
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(line -> line.contains("set aside poison note with NUL") && line.contains("22021"))
                .noneMatch(line -> line.contains(SECRET));
        assertThat(logged.list).allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
    }

    @Test
    void a_poison_write_alone_is_set_aside_at_once_not_retried() {
        long setAsideBefore = fixture.writer.setAsideCount();
        long started = System.nanoTime();

        fixture.writer.submit("lonely poison", "lonely", insert(200_000, "\0"));
        fixture.writer.submit("after the poison", "after", insert(200_001, "after"));

        holds(() -> assertThat(count("n = 200001")).isEqualTo(1));
        assertThat(fixture.writer.setAsideCount() - setAsideBefore).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void a_write_failing_with_an_error_does_not_stop_the_writer() {
        long setAsideBefore = fixture.writer.setAsideCount();

        fixture.writer.submit("a write with a bug", "bug", connection -> {
            throw new AssertionError("a bug in a write");
        });
        fixture.writer.submit("after the bug", "after", insert(300_001, "after"));

        holds(() -> assertThat(count("n = 300001")).isEqualTo(1));
        assertThat(fixture.writer.setAsideCount() - setAsideBefore).isEqualTo(1);
    }

    private JdbcWriter.Write insert(int n, String body) {
        String sql = "insert into " + table + " (n, body) values (?, ?)";
        return connection -> {
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                insert.setInt(1, n);
                insert.setString(2, body);
                insert.executeUpdate();
            }
        };
    }

    private int count(String where) {
        try (Connection connection = fixture.database.dataSource().getConnection();
             Statement select = connection.createStatement();
             var rows = select.executeQuery("select count(*) from " + table + " where " + where)) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private List<List<String>> deadLettersNow() {
        try {
            return deadLetters();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private List<List<String>> deadLetters() throws SQLException {
        try (Connection connection = fixture.database.dataSource().getConnection();
             Statement select = connection.createStatement();
             var rows = select.executeQuery("select description, sql_state, payload from dead_letters order by id")) {
            var letters = new ArrayList<List<String>>();
            while (rows.next()) {
                letters.add(List.of(rows.getString(1), String.valueOf(rows.getString(2)).replace("null", ""),
                        rows.getString(3)));
            }
            return letters;
        }
    }
}
