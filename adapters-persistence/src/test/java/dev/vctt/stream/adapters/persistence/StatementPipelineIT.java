package dev.vctt.stream.adapters.persistence;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.persistence.JdbcWriter.Statement;
import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
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

/**
 * Writes made of statements go to the database together: one exchange per stage and SQL text, not
 * one per statement, with the statements of one order still landing in the order taken.
 */
class StatementPipelineIT {

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    /** Statements executed (each an exchange with the database): single or as one batch. */
    private final AtomicInteger executions = new AtomicInteger();
    private JdbcWriter writer;
    private String table;

    @BeforeEach
    void create_table_and_a_writer_that_counts_its_exchanges() throws SQLException {
        table = "piped_" + System.identityHashCode(this);
        try (Connection connection = fixture.database.dataSource().getConnection();
             var create = connection.createStatement()) {
            create.execute("create table " + table + " (n integer primary key, body text not null)");
        }
        writer = new JdbcWriter(counting(fixture.database.dataSource()), 10_000, Duration.ofMillis(20),
                Duration.ofMillis(500));
    }

    @AfterEach
    void close_the_writer() {
        writer.close();
    }

    @Test
    void statements_of_many_orders_go_in_one_exchange_per_stage_and_those_of_one_order_land_in_order() throws Exception {
        // given: the writer held inside a write; queued behind it, an update of another row first (so that
        // the update's text comes first in the batch), then a hundred writes of an insert and an update
        // of the row just inserted
        try (Connection connection = fixture.database.dataSource().getConnection();
             var insert = connection.createStatement()) {
            insert.execute("insert into " + table + " (n, body) values (999, 'there')");
        }
        CountDownLatch gate = holdTheWriter();
        int before = executions.get();
        writer.submit("note 999", "note 999", List.of(append(999, " before")));
        for (int n = 0; n < 100; n++) {
            writer.submit("note " + n, "note " + n, List.of(insert(n, "first"), append(n, " then second")));
        }

        // when
        gate.countDown();

        // then: every update found its row, and the 201 statements went in three exchanges: the first
        // stage's update and inserts, the second stage's updates
        holds(Duration.ofSeconds(10), () -> assertThat(count("body = 'first then second'")).isEqualTo(100));
        assertThat(count("body = 'there before'")).isEqualTo(1);
        assertThat(executions.get() - before).isEqualTo(3);
    }

    @Test
    void a_statement_that_can_never_succeed_is_set_aside_and_the_others_sent_with_it_land() throws Exception {
        // given: twenty writes taken together, one of them holding text PostgreSQL refuses (U+0000)
        long setAsideBefore = writer.setAsideCount();
        CountDownLatch gate = holdTheWriter();
        for (int n = 0; n < 20; n++) {
            writer.submit("note " + n, "note " + n, List.of(insert(1_000 + n, n == 7 ? "poison\0" : "fine")));
        }

        // when
        gate.countDown();

        // then: the nineteen others are stored, the poison one set aside
        holds(Duration.ofSeconds(10), () -> assertThat(count("body = 'fine'")).isEqualTo(19));
        holds(() -> assertThat(writer.setAsideCount() - setAsideBefore).isEqualTo(1));
        assertThat(count("n = 1007")).isZero();
    }

    /** Submits a write that blocks the writer until the returned gate opens; returns once it blocks. */
    private CountDownLatch holdTheWriter() throws InterruptedException {
        var inside = new CountDownLatch(1);
        var gate = new CountDownLatch(1);
        writer.submit("the gate", "gate", connection -> {
            inside.countDown();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).as("the writer took the gate").isTrue();
        return gate;
    }

    private Statement insert(int n, String body) {
        return new Statement("note " + n, "insert into " + table + " (n, body) values (?, ?)", statement -> {
            statement.setInt(1, n);
            statement.setString(2, body);
        });
    }

    private Statement append(int n, String more) {
        return new Statement("note " + n, "update " + table + " set body = body || ? where n = ?", statement -> {
            statement.setString(1, more);
            statement.setInt(2, n);
        });
    }

    private int count(String where) {
        try (Connection connection = fixture.database.dataSource().getConnection();
             var select = connection.createStatement();
             var rows = select.executeQuery("select count(*) from " + table + " where " + where)) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The data source, its connections and their prepared statements, counting each statement executed. */
    private DataSource counting(DataSource real) {
        Set<String> executing = Set.of("execute", "executeUpdate", "executeQuery", "executeBatch", "executeLargeUpdate",
                "executeLargeBatch");
        InvocationHandler dataSource = (proxy, method, args) -> {
            Object result = invoke(real, method, args);
            if (!(result instanceof Connection connection)) {
                return result;
            }
            return wrap(Connection.class, (c, m, a) -> {
                Object made = invoke(connection, m, a);
                if (!(made instanceof PreparedStatement prepared)) {
                    return made;
                }
                return wrap(PreparedStatement.class, (s, sm, sa) -> {
                    if (executing.contains(sm.getName())) {
                        executions.incrementAndGet();
                    }
                    return invoke(prepared, sm, sa);
                });
            });
        };
        return wrap(DataSource.class, dataSource);
    }

    private static <T> T wrap(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(StatementPipelineIT.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
