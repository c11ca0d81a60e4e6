package dev.vctt.stream.adapters.persistence;

import dev.vctt.stream.application.port.out.StoreUnavailable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * transaction: one commit, one flush to disk, for many records. Should that transaction fail for a
 * reason other than connectivity, its writes are retried one by one, so that one bad write cannot
 * hold back the others.
 *
 * <p>Only writes that start something ({@code admission}) can be refused, when the backlog has
 * reached its bound; the writes that finish what was admitted are always taken, so the backlog is
 * bounded by the admitted streams. A write that keeps failing for a reason other than connectivity
 * (a bug, a constraint) is given up after {@link #MAX_FAILED_ATTEMPTS} tries and logged with its
 * description, rather than blocking every write behind it.
 */
public final class JdbcWriter implements AutoCloseable {

    /** One unit of work in one transaction. */
    @FunctionalInterface
    public interface Write {
        void run(Connection connection) throws SQLException;
    }

    private record Queued(Write write, String description) {
    }

    static final int MAX_FAILED_ATTEMPTS = 10;
    static final int MAX_BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(JdbcWriter.class);

    private final DataSource dataSource;
    private final int admissionLimit;
    private final Duration minPause;
    private final Duration maxPause;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final Thread worker;
    private volatile boolean closing;

    public JdbcWriter(DataSource dataSource, int admissionLimit, Duration minPause, Duration maxPause) {
        this.dataSource = dataSource;
        this.admissionLimit = admissionLimit;
        this.minPause = minPause;
        this.maxPause = maxPause;
        this.worker = Thread.ofVirtual().name("jdbc-writer").start(this::work);
    }

    /** Takes a write that starts something; refused with {@link StoreUnavailable} when the backlog is full. */
    public void admit(String description, Write write) {
        offer(description, write, true);
    }

    /** Takes a write that finishes something admitted: always accepted. */
    public void submit(String description, Write write) {
        offer(description, write, false);
    }

    /** Writes waiting or running (the running one stays at the head of the queue until done). */
    public int backlog() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void offer(String description, Write write, boolean admission) {
        lock.lock();
        try {
            if (admission && queue.size() >= admissionLimit) {
                throw new StoreUnavailable("the database is behind: " + queue.size() + " writes are waiting");
            }
            queue.add(new Queued(write, description));
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
            if (batch.size() == 1 || !writeTogether(batch)) {
                batch.forEach(this::writeUntilDone);
            }
            lock.lock();
            try {
                for (int i = 0; i < batch.size(); i++) {
                    queue.poll();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * All the batch in one transaction, retried while the database cannot be reached; false when the
     * transaction failed otherwise (then each write is tried on its own).
     */
    private boolean writeTogether(List<Queued> batch) {
        Duration pause = minPause;
        int failures = 0;
        while (true) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    for (Queued queued : batch) {
                        queued.write().run(connection);
                    }
                    connection.commit();
                    return true;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                if (!isConnectivity(e)) {
                    log.warn("a batch of {} writes failed ({}); writing them one by one", batch.size(), e.getMessage());
                    return false;
                }
                failures++;
                if (failures == 1 || failures % 20 == 0) {
                    log.warn("could not store {} writes (attempt {}): {}; retrying", batch.size(), failures, e.getMessage());
                }
                if (closing && failures > 3) {
                    log.error("shutting down with the database unreachable: {} writes are not stored", batch.size());
                    return true;
                }
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
            }
        }
    }

    private void writeUntilDone(Queued queued) {
        Duration pause = minPause;
        int failures = 0;
        while (true) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    queued.write().run(connection);
                    connection.commit();
                    if (failures > 0) {
                        log.info("stored {} after {} failed attempt(s)", queued.description(), failures);
                    }
                    return;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                failures++;
                boolean connectivity = isConnectivity(e);
                if (!connectivity && failures >= MAX_FAILED_ATTEMPTS) {
                    log.error("giving up on {} after {} attempts", queued.description(), failures, e);
                    return;
                }
                if (failures == 1 || failures % 20 == 0) {
                    log.warn("could not store {} (attempt {}): {}; retrying", queued.description(), failures, e.getMessage());
                }
                if (closing && connectivity && failures > 3) {
                    log.error("shutting down with the database unreachable: {} is not stored", queued.description());
                    return;
                }
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
            }
        }
    }

    /** Connection trouble (SQL state class 08, 57P0x, 53xxx), or no connection at all from the pool. */
    private static boolean isConnectivity(Exception e) {
        if (e instanceof SQLException sql) {
            String state = sql.getSQLState();
            return state == null || state.startsWith("08") || state.startsWith("57P") || state.startsWith("53");
        }
        return false;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the backlog to be written, at most {@code within}, then stops. */
    public void close(Duration within) {
        closing = true;
        lock.lock();
        try {
            changed.signalAll();
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
