package dev.vctt.stream.adapters.persistence;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.testing.BusyCarriers;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Writes that can never succeed next to ordinary ones: the ordinary ones land promptly, the others
 * are set aside (kept, logged without their content, counted) and hold nothing back. Writes made of
 * statements go to the database together, in as few exchanges as their order allows.
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
        // counted first, then written to dead_letters: wait for the row itself
        holds(() -> assertThat(deadLetters()).contains(
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
    void writes_land_while_every_carrier_of_virtual_threads_is_busy() throws Exception {
        // given: no virtual thread can run, as in a server saturated with streams
        try (var ignored = BusyCarriers.all()) {
            // when
            fixture.writer.submit("note under load", "note", insert(600_001, "under load"));

            // then: the writer is not one of them (it was, and fell behind an idle database)
            holds(() -> assertThat(count("n = 600001")).isEqualTo(1));
        }
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

    @Test
    void writes_land_in_the_order_taken_even_when_one_of_their_batch_fails_and_then_succeeds_alone() throws Exception {
        // given: a write that holds the writer, so that the five after it are taken as one batch
        String ordered = table + "_order";
        execute("create table " + ordered + " (seq bigserial primary key, n integer not null)");
        var gate = new CountDownLatch(1);
        fixture.writer.submit("the gate", "gate", connection -> await(gate));
        // the second of them fails twice for a reason of unknown kind, then succeeds
        var attempts = new AtomicInteger();
        for (int n = 0; n < 5; n++) {
            int number = n;
            fixture.writer.submit("ordered " + n, "ordered " + n, connection -> {
                if (number == 1 && attempts.incrementAndGet() <= 2) {
                    throw new SQLException("flaky", "XY000");
                }
                try (PreparedStatement insert = connection.prepareStatement("insert into " + ordered + " (n) values (?)")) {
                    insert.setInt(1, number);
                    insert.executeUpdate();
                }
            });
        }

        // when
        gate.countDown();

        // then: they landed in the order taken, the flaky one in its place
        holds(Duration.ofSeconds(10), () -> assertThat(numbers("select n from " + ordered + " order by seq"))
                .hasSize(5));
        assertThat(numbers("select n from " + ordered + " order by seq")).containsExactly(0, 1, 2, 3, 4);
        assertThat(attempts.get()).isEqualTo(3);
    }

    @Test
    void what_waits_for_the_writes_taken_runs_once_they_are_stored_and_not_before() throws Exception {
        // given: a write the writer has taken but cannot do yet
        var gate = new CountDownLatch(1);
        fixture.writer.submit("the gate", "gate", connection -> await(gate));
        fixture.writer.submit("note 400001", "note", insert(400_001, "waited for"));
        var storedWhenRun = new AtomicInteger(-1);
        var ran = new CountDownLatch(1);

        // when
        fixture.writer.whenDone(() -> {
            storedWhenRun.set(count("n = 400001"));
            ran.countDown();
        });

        // then: it waits for them, then runs with them stored
        assertThat(ran.getCount()).isEqualTo(1);
        gate.countDown();
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(storedWhenRun.get()).isEqualTo(1);
    }

    @Test
    void marks_waiting_for_a_database_that_is_behind_count_toward_no_backlog() {
        // given a writer that admits new work while fewer than three writes wait, held by its first write
        var gate = new CountDownLatch(1);
        try (var writer = new JdbcWriter(fixture.database.dataSource(), 3, Duration.ofMillis(20), Duration.ofMillis(500))) {
            writer.submit("the gate", "gate", connection -> await(gate));
            writer.submit("note 500001", "note", insert(500_001, "behind"));
            for (int i = 0; i < 10; i++) {
                writer.whenDone(() -> { });
            }

            // when
            writer.admit("note 500002", "note", insert(500_002, "admitted"));

            // then: admitted, as two writes wait, whatever waits for them
            assertThat(writer.backlog()).isEqualTo(3);
            gate.countDown();
            holds(() -> assertThat(count("n in (500001, 500002)")).isEqualTo(2));
        } finally {
            gate.countDown();
        }
    }

    @Test
    void statements_of_many_sessions_go_in_one_exchange_per_stage_and_those_of_one_session_land_in_order()
            throws Exception {
        // given: the writer held inside a write; queued behind it, an update of another row first (so that
        // the update's text comes first in the batch), then a hundred writes of an insert and an update
        // of the row just inserted
        var executions = new AtomicInteger();
        try (var writer = new JdbcWriter(counting(fixture.database.dataSource(), executions), 10_000,
                Duration.ofMillis(20), Duration.ofMillis(500))) {
            writer.submit("note 999", "note", insert(999, "there"));
            holds(() -> assertThat(count("n = 999")).isEqualTo(1));
            CountDownLatch gate = holdTheWriter(writer);
            int before = executions.get();
            writer.submit("note 999", "note 999", List.of(appendStatement(999, " before")));
            for (int n = 0; n < 100; n++) {
                writer.submit("note " + n, "note " + n, List.of(insertStatement(n, "first"), appendStatement(n, " then second")));
            }

            // when
            gate.countDown();

            // then: every update found its row, and the 201 statements went in three exchanges: the first
            // stage's update and inserts, the second stage's updates
            holds(Duration.ofSeconds(10), () -> assertThat(count("body = 'first then second'")).isEqualTo(100));
            assertThat(count("body = 'there before'")).isEqualTo(1);
            assertThat(executions.get() - before).isEqualTo(3);
        }
    }

    @Test
    void writes_handed_over_while_the_writer_gathers_go_to_the_database_together() throws InterruptedException {
        // given: a writer that gathers for three seconds after each transaction, just done with one
        var executions = new AtomicInteger();
        try (var writer = new JdbcWriter(counting(fixture.database.dataSource(), executions), 10_000,
                Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(3))) {
            writer.submit("note 800000", "note", List.of(insertStatement(800_000, "first")));
            holds(() -> assertThat(count("n = 800000")).isEqualTo(1));
            int before = executions.get();

            // when: ten more come, a few milliseconds apart (a writer that does not gather takes each alone)
            for (int n = 1; n <= 10; n++) {
                writer.submit("note " + n, "note " + n, List.of(insertStatement(800_000 + n, "gathered")));
                Thread.sleep(2);
            }

            // then: one exchange took them all
            holds(Duration.ofSeconds(10), () -> assertThat(count("body = 'gathered'")).isEqualTo(10));
            assertThat(executions.get() - before).isEqualTo(1);
        }
    }

    @Test
    void a_busy_writer_goes_on_without_gathering() throws InterruptedException {
        // given: a writer that would gather for ten minutes, held in a write while enough to keep it busy queue up
        try (var writer = new JdbcWriter(fixture.database.dataSource(), 10_000, Duration.ofMillis(20),
                Duration.ofMillis(500), Duration.ofMinutes(10))) {
            CountDownLatch gate = holdTheWriter(writer);
            for (int n = 0; n < JdbcWriter.BUSY; n++) {
                writer.submit("note " + n, "note " + n, List.of(insertStatement(820_000 + n, "behind")));
            }

            // when
            gate.countDown();

            // then: written at once, not ten minutes later; and a transaction that big leaves the writer
            // looking for more at once too
            holds(Duration.ofSeconds(10), () -> assertThat(count("body = 'behind'")).isEqualTo(JdbcWriter.BUSY));
            writer.submit("note 829999", "note", insert(829_999, "next"));
            holds(Duration.ofSeconds(10), () -> assertThat(count("n = 829999")).isEqualTo(1));
        }
    }

    @Test
    void closing_cuts_the_gathering_short_and_writes_what_waits() {
        // given: a writer that gathers for ten minutes, with one write waiting behind the one it did
        var writer = new JdbcWriter(fixture.database.dataSource(), 10_000, Duration.ofMillis(20), Duration.ofMillis(500),
                Duration.ofMinutes(10));
        writer.submit("note 810000", "note", insert(810_000, "done"));
        holds(() -> assertThat(count("n = 810000")).isEqualTo(1));
        writer.submit("note 810001", "note", insert(810_001, "waiting"));

        // when
        writer.close(Duration.ofSeconds(30));

        // then
        assertThat(count("n = 810001")).isEqualTo(1);
    }

    @Test
    void a_statement_that_can_never_succeed_is_set_aside_and_the_others_sent_with_it_land() throws Exception {
        // given: twenty writes of statements taken together, one of them holding text PostgreSQL refuses
        long setAsideBefore = fixture.writer.setAsideCount();
        CountDownLatch gate = holdTheWriter(fixture.writer);
        for (int n = 0; n < 20; n++) {
            fixture.writer.submit("note " + n, "note " + n, List.of(insertStatement(700_000 + n, n == 7 ? "poison\0" : "fine")));
        }

        // when
        gate.countDown();

        // then: the nineteen others are stored, the poison one set aside
        holds(Duration.ofSeconds(10), () -> assertThat(count("body = 'fine'")).isEqualTo(19));
        holds(() -> assertThat(fixture.writer.setAsideCount() - setAsideBefore).isEqualTo(1));
        assertThat(count("n = 700007")).isZero();
    }

    /** Submits a write that blocks the writer until the returned gate opens; returns once it blocks. */
    private static CountDownLatch holdTheWriter(JdbcWriter writer) throws InterruptedException {
        var inside = new CountDownLatch(1);
        var gate = new CountDownLatch(1);
        writer.submit("the gate", "gate", connection -> {
            inside.countDown();
            await(gate);
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).as("the writer took the gate").isTrue();
        return gate;
    }

    private JdbcWriter.Statement insertStatement(int n, String body) {
        return new JdbcWriter.Statement("note " + n, "insert into " + table + " (n, body) values (?, ?)", statement -> {
            statement.setInt(1, n);
            statement.setString(2, body);
        });
    }

    private JdbcWriter.Statement appendStatement(int n, String more) {
        return new JdbcWriter.Statement("note " + n, "update " + table + " set body = body || ? where n = ?", statement -> {
            statement.setString(1, more);
            statement.setInt(2, n);
        });
    }

    /** The data source, its connections and their prepared statements, counting each statement executed. */
    private static DataSource counting(DataSource real, AtomicInteger executions) {
        Set<String> executing = Set.of("execute", "executeUpdate", "executeQuery", "executeBatch", "executeLargeUpdate",
                "executeLargeBatch");
        return wrap(DataSource.class, (proxy, method, args) -> {
            Object result = invoke(real, method, args);
            if (!(result instanceof Connection connection)) {
                return result;
            }
            return wrap(Connection.class, (c, m, a) -> {
                Object made = invoke(connection, m, a);
                if (!(made instanceof PreparedStatement prepared)) {
                    return made;
                }
                return wrap(PreparedStatement.class, (p, pm, pa) -> {
                    if (executing.contains(pm.getName())) {
                        executions.incrementAndGet();
                    }
                    return invoke(prepared, pm, pa);
                });
            });
        });
    }

    private static <T> T wrap(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(JdbcWriterIT.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void await(CountDownLatch gate) {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = fixture.database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private List<Integer> numbers(String sql) {
        try (Connection connection = fixture.database.dataSource().getConnection();
             Statement select = connection.createStatement();
             var rows = select.executeQuery(sql)) {
            var numbers = new ArrayList<Integer>();
            while (rows.next()) {
                numbers.add(rows.getInt(1));
            }
            return numbers;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
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

    private List<List<String>> deadLetters() {
        try (Connection connection = fixture.database.dataSource().getConnection();
             Statement select = connection.createStatement();
             var rows = select.executeQuery("select description, sql_state, payload from dead_letters order by id")) {
            var letters = new ArrayList<List<String>>();
            while (rows.next()) {
                letters.add(List.of(rows.getString(1), String.valueOf(rows.getString(2)).replace("null", ""),
                        rows.getString(3)));
            }
            return letters;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
