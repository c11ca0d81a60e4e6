package dev.vctt.stream.adapters.persistence.signal;

import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.application.port.out.ClusterSignals;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals between nodes over PostgreSQL {@code LISTEN/NOTIFY}. Each node listens on one connection of
 * its own, outside the pool (a listening session must stay open, and pgjdbc only delivers
 * notifications to whoever polls it), polled by one virtual thread with
 * {@link PGConnection#getNotifications(int)}, which returns as soon as one arrives. Publishing is one
 * {@code pg_notify} on a pooled connection. A lost listening connection is opened again; the signals
 * sent meanwhile are lost, which delays (tails also read on their own), never corrupts.
 */
public final class PgClusterSignals implements ClusterSignals, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgClusterSignals.class);
    private static final int POLL_MILLIS = 500;
    private static final Duration RECONNECT_AT_MOST = Duration.ofSeconds(5);

    private final DatabaseSettings settings;
    private final DataSource pool;
    private final String channel;
    private final List<Consumer<ClusterSignal>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong heard = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean open = true;
    private volatile Connection listening;
    private final Thread poller;

    private PgClusterSignals(DatabaseSettings settings, DataSource pool) throws SQLException {
        this.settings = settings;
        this.pool = pool;
        this.channel = SignalPayload.channel(settings.schema());
        this.listening = connect();
        // a platform thread, like the database writer: a cancel from another node must not wait for a carrier
        this.poller = Thread.ofPlatform().name("vctt-cluster-signals").daemon().start(this::poll);
    }

    /** Listens from when this returns; fails with {@link StoreUnavailable} when the database cannot be reached. */
    public static PgClusterSignals start(DatabaseSettings settings, DataSource pool) {
        try {
            return new PgClusterSignals(settings, pool);
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot listen for cluster signals: " + e.getMessage(), e);
        }
    }

    public String channel() {
        return channel;
    }

    /** Signals heard since start (for {@code /metrics}). */
    public long heard() {
        return heard.get();
    }

    /** Signals sent since start. */
    public long sent() {
        return sent.get();
    }

    @Override
    public void publish(ClusterSignal signal) {
        Optional<String> payload = SignalPayload.encode(signal);
        if (payload.isEmpty()) {
            log.warn("a {} signal too long for NOTIFY was not sent", signal.getClass().getSimpleName());
            return;
        }
        try (Connection connection = pool.getConnection();
             PreparedStatement notify = connection.prepareStatement("select pg_notify(?, ?)")) {
            notify.setString(1, channel);
            notify.setString(2, payload.get());
            notify.execute();
            sent.incrementAndGet();
        } catch (SQLException e) {
            log.warn("a {} signal was not sent: {}", signal.getClass().getSimpleName(), e.getMessage());
        }
    }

    @Override
    public Subscription subscribe(Consumer<ClusterSignal> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private Connection connect() throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        properties.setProperty("ApplicationName", "vctt-stream-signals");
        properties.setProperty("tcpKeepAlive", "true");
        Connection connection = DriverManager.getConnection(settings.url(), properties);
        try (Statement listen = connection.createStatement()) {
            listen.execute("listen \"" + channel + "\"");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private void poll() {
        Duration wait = Duration.ofMillis(100);
        while (open) {
            try {
                if (listening == null) {
                    listening = connect();
                    log.info("listening for cluster signals again");
                    wait = Duration.ofMillis(100);
                }
                PGNotification[] notifications = listening.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
                if (notifications != null) {
                    for (PGNotification notification : notifications) {
                        SignalPayload.decode(notification.getParameter()).ifPresent(this::dispatch);
                    }
                }
            } catch (SQLException e) {
                if (!open) {
                    return;
                }
                log.warn("the cluster signal connection failed, opening it again in {} ms: {}", wait.toMillis(),
                        e.getMessage());
                closeQuietly(listening);
                listening = null;
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    return;
                }
                wait = wait.multipliedBy(2).compareTo(RECONNECT_AT_MOST) > 0 ? RECONNECT_AT_MOST : wait.multipliedBy(2);
            }
        }
    }

    private void dispatch(ClusterSignal signal) {
        heard.incrementAndGet();
        for (Consumer<ClusterSignal> listener : listeners) {
            try {
                listener.accept(signal);
            } catch (RuntimeException e) {
                log.warn("a cluster signal listener failed", e);
            }
        }
    }

    @Override
    public void close() {
        open = false;
        // ends a reconnect pause; a poll in progress is not interruptible on a platform thread and ends
        // on its own within POLL_MILLIS, which the join allows for
        poller.interrupt();
        try {
            poller.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(listening);
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("closing the signal connection: {}", e.getMessage());
        }
    }
}
