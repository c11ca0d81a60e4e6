package dev.vctt.stream.bootstrap;

import dev.vctt.stream.adapters.persistence.Database;
import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.EmbeddedDatabase;
import dev.vctt.stream.adapters.persistence.JdbcWriter;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database the server keeps everything in: the server named by {@code DATABASE_URL}, or else an
 * embedded PostgreSQL in {@code VCTT_DATA_DIR/postgres}; with its pool and background writer.
 */
final class Storage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Storage.class);

    private final Optional<EmbeddedDatabase> embedded;
    final Database database;
    final JdbcWriter writer;
    final DatabaseSettings settings;
    private final java.util.List<Runnable> onceWritten = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Storage(Optional<EmbeddedDatabase> embedded, Database database, JdbcWriter writer, DatabaseSettings settings) {
        this.settings = settings;
        this.embedded = embedded;
        this.database = database;
        this.writer = writer;
    }

    static Storage open(AppConfig config) {
        Optional<EmbeddedDatabase> embedded = Optional.empty();
        DatabaseSettings settings;
        if (config.database().isPresent()) {
            var external = config.database().get();
            settings = new DatabaseSettings(external.url(), external.user(), external.password(), config.databaseSchema(),
                    config.databasePoolSize());
            log.info("using the PostgreSQL server at {}", external.url());
        } else {
            EmbeddedDatabase started = EmbeddedDatabase.startBeside(config.dataDir().resolve("postgres"), config.port());
            embedded = Optional.of(started);
            settings = started.settings(config.databaseSchema(), config.databasePoolSize());
        }
        try {
            Database database = Database.open(settings);
            var writer = new JdbcWriter(database.dataSource(), config.writeBacklog(), Duration.ofMillis(50), Duration.ofSeconds(5),
                    config.writeGather());
            return new Storage(embedded, database, writer, settings);
        } catch (RuntimeException e) {
            embedded.ifPresent(EmbeddedDatabase::close);
            throw e;
        }
    }

    /** Whether other servers may share this database: only an external one can be shared. */
    boolean shared() {
        return embedded.isEmpty();
    }

    /** Runs at close, once every queued write is stored and before the pool closes. */
    void onceWritten(Runnable task) {
        onceWritten.add(task);
    }

    @Override
    public void close() {
        writer.close(Duration.ofSeconds(15));
        for (Runnable task : onceWritten) {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("a last write before the database closes failed: {}", e.getMessage());
            }
        }
        database.close();
        embedded.ifPresent(EmbeddedDatabase::close);
    }
}
