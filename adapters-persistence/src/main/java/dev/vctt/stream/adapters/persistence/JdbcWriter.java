package dev.vctt.stream.adapters.persistence;

import dev.vctt.stream.application.port.out.StoreUnavailable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the database in the background, in the order given, retrying with growing pauses while
 * the database is slow or down, so that nobody on a stream's path ever waits for it and nothing
 * accepted is lost while the process lives.
 *
 * <p>Whatever is waiting when the writer comes round (up to {@link #MAX_BATCH} writes) goes into one
 * transaction: one commit, one flush to disk, for many records; the writes made of {@link Statement}s
 * go in as few round trips as their order allows ({@link StatementPipeline}). Should that transaction fail for a
 * reason other than connectivity, the writes before the failing one are committed, the failing one
 * is tried on its own, and the rest continues after it, so that one bad write cannot take the others
 * of its batch down with it, and writes still land in the order they were taken.
 *
 * <p>A write that can never succeed ({@link WriteFailure#PERMANENT}: a data exception such as U+0000
 * in text, a constraint, a bug) is not retried: it is set aside at once into the {@code dead_letters}
 * table with its record, logged once by its description only (the record may hold user content,
 * which never goes to the log), and counted ({@link #setAsideCount}). A failure of unknown kind is
 * retried {@link #MAX_UNKNOWN_ATTEMPTS} times first. Only connectivity and the like are retried
 * without end, since waiting is what cures them.
 *
 * <p>After each transaction the writer lets what comes next gather for a while ({@code gather})
 * before it looks again. Nobody who hands it a write then wakes it, and its transaction, with the
 * database's own work, comes at most that often instead of right after each write: a stream's start
 * woke it while the provider request was on its way, and the database's work then delayed the
 * request by a quarter of a millisecond at 100 streams on two cores (docs/performance.md). A busy
 * writer does not gather, one whose transaction held {@link #BUSY} writes or more or that finds as
 * many waiting: it would fall behind (gathering after every transaction refused most of a load of
 * 1 800 short streams a second). Closing cuts the gathering short.
 *
 * <p>Only writes that start something ({@code admission}) can be refused, when the backlog has
 * reached its bound; the writes that finish what was admitted are always taken, so the backlog is
 * bounded by the admitted streams.
 */
public final class JdbcWriter implements AutoCloseable {

    /** One unit of work in one transaction. */
    @FunctionalInterface
    public interface Write {
        void run(Connection connection) throws SQLException;
    }

    /** Sets a statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /**
     * One statement of a write that needs nothing back from the database, so that the writer may send
     * it together with others ({@link StatementPipeline}): statements of one {@code order} (a session's
     * id) land in the order taken; statements of different orders may land in any order among
     * themselves, so they must not depend on each other.
     */
    public record Statement(String order, String sql, Binder binder) {
    }

    /**
     * A write, what it is for the log ({@code description}, never user content), and the record it
     * stores, kept as text in {@code dead_letters} should it never succeed. A write of statements has
     * them in {@code statements} (null for any other write), and {@code write} runs them alone.
     */
    private record Queued(Write write, List<Statement> statements, String description, Object record, Runnable then) {

        Queued(Write write, String description, Object record) {
            this(write, null, description, record, null);
        }

        Queued(List<Statement> statements, String description, Object record) {
            this(connection -> {
                for (Statement statement : statements) {
                    StatementPipeline.send(connection, statement.sql(), List.of(statement));
                }
            }, List.copyOf(statements), description, record, null);
        }

        /** A mark in the queue: nothing to write, {@code then} to run once the writes ahead of it are done. */
        static Queued mark(Runnable then) {
            return new Queued(null, null, "a mark", "", then);
        }

        boolean isMark() {
            return write == null;
        }
    }

    static final int MAX_UNKNOWN_ATTEMPTS = 3;
    static final int MAX_BATCH = 500;
    /** Writes in a transaction, or waiting after it, that make the writer go on at once instead of gathering. */
    static final int BUSY = MAX_BATCH / 10;
    private static final int DEAD_LETTER_ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(JdbcWriter.class);

    private final DataSource dataSource;
    private final int admissionLimit;
    private final Duration minPause;
    private final Duration maxPause;
    private final long gatherNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Signalled only when closing, so that a gathering writer wakes for nothing else. */
    private final Condition closingNow = lock.newCondition();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    /** Marks in the queue: they wait for writes but are none, so they count toward no backlog. */
    private int marks;
    private final AtomicLong setAside = new AtomicLong();
    private final Thread worker;
    private volatile boolean closing;

    /** A writer that looks for more as soon as a transaction is over. */
    public JdbcWriter(DataSource dataSource, int admissionLimit, Duration minPause, Duration maxPause) {
        this(dataSource, admissionLimit, minPause, maxPause, Duration.ZERO);
    }

    /** @param gather how long writes gather after each transaction before the next is sent */
    public JdbcWriter(DataSource dataSource, int admissionLimit, Duration minPause, Duration maxPause, Duration gather) {
        if (gather.isNegative()) {
            throw new IllegalArgumentException("the gathering time cannot be negative");
        }
        this.dataSource = dataSource;
        this.admissionLimit = admissionLimit;
        this.minPause = minPause;
        this.maxPause = maxPause;
        this.gatherNanos = gather.toNanos();
        // a platform thread: as a virtual thread, each of its database round trips queued behind every
        // runnable stream for a carrier, so under load it fell behind an idle database
        this.worker = Thread.ofPlatform().name("jdbc-writer").daemon().start(this::work);
    }

    /**
     * Takes a write that starts something; refused with {@link StoreUnavailable} when the backlog is
     * full. {@code description} goes to the log and must hold no user content; {@code record} is what
     * the write stores, kept should the write never succeed.
     */
    public void admit(String description, Object record, Write write) {
        offer(new Queued(write, description, record), true);
    }

    /** Takes a write that finishes something admitted: always accepted. */
    public void submit(String description, Object record, Write write) {
        offer(new Queued(write, description, record), false);
    }

    /** {@link #admit(String, Object, Write)} for a write of statements, which may be sent with others. */
    public void admit(String description, Object record, List<Statement> statements) {
        offer(new Queued(statements, description, record), true);
    }

    /** {@link #submit(String, Object, Write)} for a write of statements, which may be sent with others. */
    public void submit(String description, Object record, List<Statement> statements) {
        offer(new Queued(statements, description, record), false);
    }

    /**
     * Runs {@code then} on the writer's thread once every write taken before this call is done:
     * stored, set aside, or given up at shutdown. Waits as long as the database is down; it must be
     * quick and must not write through this writer and wait for that.
     */
    public void whenDone(Runnable then) {
        offer(Queued.mark(then), false);
    }

    /** Writes waiting or running (the running one stays at the head of the queue until done). */
    public int backlog() {
        lock.lock();
        try {
            return queue.size() - marks;
        } finally {
            lock.unlock();
        }
    }

    /** Writes given up since start, because they could never succeed (kept in {@code dead_letters}). */
    public long setAsideCount() {
        return setAside.get();
    }

    private void offer(Queued queued, boolean admission) {
        lock.lock();
        try {
            if (admission && queue.size() - marks >= admissionLimit) {
                throw new StoreUnavailable("the database is behind: " + (queue.size() - marks) + " writes are waiting");
            }
            if (queued.isMark()) {
                marks++;
            }
            queue.add(queued);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (true) {
            List<Queued> batch = new ArrayList<>();
            lock.lock();
            try {
                while (queue.isEmpty()) {
                    if (closing) {
                        return;
                    }
                    changed.awaitUninterruptibly();
                }
                Iterator<Queued> waiting = queue.iterator();
                while (waiting.hasNext() && batch.size() < MAX_BATCH) {
                    batch.add(waiting.next());
                }
            } finally {
                lock.unlock();
            }
            List<Queued> writes = batch.stream().filter(queued -> !queued.isMark()).toList();
            try {
                if (writes.size() == 1) {
                    writeAlone(writes.getFirst());
                } else if (!writes.isEmpty()) {
                    writeTogether(writes);
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                // a write whose own code fails with an Error must not end the one writer thread: every
                // later record would then wait forever. Its batch was not committed (the transaction is
                // rolled back), so each write is tried on its own, in order: only the faulty one is lost
                if (writes.size() == 1) {
                    lost(1, e);
                } else {
                    for (Queued queued : writes) {
                        try {
                            writeAlone(queued);
                        } catch (VirtualMachineError fatal) {
                            throw fatal;
                        } catch (Throwable alone) {
                            lost(1, alone);
                        }
                    }
                }
            }
            lock.lock();
            try {
                for (int i = 0; i < batch.size(); i++) {
                    if (queue.poll().isMark()) {
                        marks--;
                    }
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            batch.stream().filter(Queued::isMark).forEach(JdbcWriter::runMark);
            gather(batch.size());
        }
    }

    /** Lets writes gather (see the class comment); returns at once when closing. */
    private void gather(int written) {
        lock.lock();
        try {
            long left = written >= BUSY || queue.size() - marks >= BUSY ? 0 : gatherNanos;
            while (left > 0 && !closing) {
                left = closingNow.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            // only a close that gave up waiting interrupts the writer: stop gathering, keep the flag
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private static void runMark(Queued mark) {
        try {
            mark.then().run();
        } catch (RuntimeException e) {
            log.error("what waited for the writes ahead of it failed", e);
        }
    }

    private void lost(int writes, Throwable e) {
        setAside.addAndGet(writes);
        log.error("{} write(s) could not be stored ({}); the writer goes on", writes, e.getClass().getName());
    }

    /**
     * All the batch in one transaction, retried while the database cannot be reached. Should the
     * transaction fail otherwise, the writes before the first failing one are committed together,
     * the failing one is tried on its own (retried or set aside), and the rest goes on the same way.
     * So writes land in the order taken, even around a failure: a later write that depends on an
     * earlier one (a session's close after its start) never lands first.
     */
    private void writeTogether(List<Queued> batch) {
        List<Queued> rest = batch;
        while (!rest.isEmpty()) {
            if (rest.size() == 1) {
                writeAlone(rest.getFirst());
                return;
            }
            if (writeAsOne(rest)) {
                return;
            }
            int failing = writeUpToFirstFailure(rest);
            if (failing == rest.size()) {
                return;
            }
            writeAlone(rest.get(failing));
            rest = rest.subList(failing + 1, rest.size());
        }
    }

    /** True when written (or given up at shutdown); false when a write of the batch failed for good. */
    private boolean writeAsOne(List<Queued> batch) {
        Duration pause = minPause;
        int failures = 0;
        while (true) {
            try {
                inTransaction(connection -> runTogether(connection, batch));
                return true;
            } catch (SQLException | RuntimeException e) {
                if (WriteFailure.of(e) != WriteFailure.TRANSIENT) {
                    log.warn("a batch of {} writes failed ({}); writing it again around the failing write(s)",
                            batch.size(), reason(e));
                    return false;
                }
                failures++;
                if (failures == 1 || failures % 20 == 0) {
                    log.warn("could not store {} writes (attempt {}): {}; retrying", batch.size(), failures, reason(e));
                }
                if (closing && failures > 3) {
                    log.error("shutting down with the database unreachable: {} writes are not stored", batch.size());
                    return true;
                }
                pause = pauseAfter(pause);
            }
        }
    }

    /**
     * The writes of a batch in order, their statements sent together between the writes that are not
     * statements (which see everything before them written).
     */
    private static void runTogether(Connection connection, List<Queued> batch) throws SQLException {
        StatementPipeline pipeline = new StatementPipeline();
        for (Queued queued : batch) {
            if (queued.statements() == null) {
                pipeline.send(connection);
                queued.write().run(connection);
            } else {
                pipeline.add(queued.statements());
            }
        }
        pipeline.send(connection);
    }

    /**
     * The batch in one transaction, each write under a savepoint, up to the first write that fails:
     * that one is rolled back and the writes before it are committed. Returns the index of the failing
     * write, or the size of the batch when none failed this time.
     */
    private int writeUpToFirstFailure(List<Queued> batch) {
        Duration pause = minPause;
        int failures = 0;
        while (true) {
            int[] failing = {batch.size()};
            try {
                inTransaction(connection -> {
                    for (int i = 0; i < batch.size(); i++) {
                        Savepoint savepoint = connection.setSavepoint();
                        try {
                            batch.get(i).write().run(connection);
                            connection.releaseSavepoint(savepoint);
                        } catch (SQLException | RuntimeException e) {
                            if (WriteFailure.of(e) == WriteFailure.TRANSIENT) {
                                throw e;
                            }
                            connection.rollback(savepoint);
                            failing[0] = i;
                            return;
                        }
                    }
                });
                return failing[0];
            } catch (SQLException | RuntimeException e) {
                failures++;
                if (WriteFailure.of(e) != WriteFailure.TRANSIENT || closing && failures > 3) {
                    // the savepoints themselves failed: go on one write at a time, from the first
                    return 0;
                }
                pause = pauseAfter(pause);
            }
        }
    }

    private void writeAlone(Queued queued) {
        Duration pause = minPause;
        int failures = 0;
        while (true) {
            try {
                inTransaction(queued.write());
                if (failures > 0) {
                    log.info("stored {} after {} failed attempt(s)", queued.description(), failures);
                }
                return;
            } catch (SQLException | RuntimeException e) {
                failures++;
                WriteFailure kind = WriteFailure.of(e);
                if (kind == WriteFailure.PERMANENT || kind == WriteFailure.UNKNOWN && failures >= MAX_UNKNOWN_ATTEMPTS) {
                    setAside(queued, e, failures);
                    return;
                }
                if (failures == 1 || failures % 20 == 0) {
                    log.warn("could not store {} (attempt {}): {}; retrying", queued.description(), failures, reason(e));
                }
                if (closing && failures > 3) {
                    log.error("shutting down with the database unreachable: {} is not stored", queued.description());
                    return;
                }
                pause = pauseAfter(pause);
            }
        }
    }

    /** Keeps a write that can never succeed in {@code dead_letters}; logs and counts it, without its content. */
    private void setAside(Queued queued, Exception failure, int attempts) {
        setAside.incrementAndGet();
        String state = failure instanceof SQLException sql ? sql.getSQLState() : null;
        String error = String.valueOf(failure.getMessage());
        String payload = String.valueOf(queued.record());
        Duration pause = minPause;
        for (int attempt = 1; ; attempt++) {
            try {
                inTransaction(connection -> {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "insert into dead_letters (description, sql_state, error, payload) values (?, ?, ?, ?)")) {
                        insert.setString(1, StoredText.escape(queued.description()));
                        insert.setString(2, state);
                        insert.setString(3, StoredText.escape(error));
                        insert.setString(4, StoredText.escape(payload));
                        insert.executeUpdate();
                    }
                });
                log.error("set aside {} after {} attempt(s): it can never be stored ({}); its record is kept in "
                        + "the dead_letters table", queued.description(), attempts, reason(failure));
                return;
            } catch (SQLException | RuntimeException e) {
                if (attempt >= DEAD_LETTER_ATTEMPTS || WriteFailure.of(e) != WriteFailure.TRANSIENT) {
                    log.error("gave up on {} after {} attempt(s): it can never be stored ({}), and keeping it in "
                            + "dead_letters failed too ({}); it is lost", queued.description(), attempts, reason(failure),
                            reason(e));
                    return;
                }
                pause = pauseAfter(pause);
            }
        }
    }

    private void inTransaction(Write write) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                write.run(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } catch (Error e) {
                try {
                    connection.rollback(); // so the writes before it in the batch can be written again alone
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    /**
     * A failure as the log may show it: its SQLSTATE and type. The database's message is left out, as
     * it may quote the data (a constraint names the value, a data exception the text around a fault).
     */
    private static String reason(Exception e) {
        String state = e instanceof SQLException sql && sql.getSQLState() != null ? "SQLSTATE " + sql.getSQLState() + ", " : "";
        return state + WriteFailure.of(e).name().toLowerCase(java.util.Locale.ROOT) + ", " + e.getClass().getSimpleName();
    }

    /** Sleeps {@code pause}; returns the next, doubled up to the maximum. */
    private Duration pauseAfter(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
    }

    /** Waits for the backlog to be written, at most {@code within}, then stops. */
    public void close(Duration within) {
        closing = true;
        lock.lock();
        try {
            changed.signalAll();
            closingNow.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (!worker.join(within)) {
                log.error("{} write(s) were not stored before shutdown", backlog());
                worker.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
