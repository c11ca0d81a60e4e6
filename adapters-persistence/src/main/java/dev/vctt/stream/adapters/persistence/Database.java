package dev.vctt.stream.adapters.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool (HikariCP) to PostgreSQL, with the schema brought up to date by Flyway before
 * anything else touches it. Connections are handed out for at most two seconds, so that a database
 * that is down makes a request fail fast instead of hanging.
 *
 * <p>Beside the pool, one connection of its own for the node's heartbeat: a lease renewed through
 * the pool waits behind the traffic it keeps alive, and a burst that holds every pooled connection
 * (fifty reservations queued on one budget row, say) made a live node miss its renewals, so that
 * the other nodes took over its running streams.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final HikariDataSource heartbeat;

    private Database(HikariDataSource pool, HikariDataSource heartbeat) {
        this.pool = pool;
        this.heartbeat = heartbeat;
    }

    public static Database open(DatabaseSettings settings) {
        var pool = new HikariDataSource(config(settings, "vctt", settings.poolSize()));
        try {
            var result = Flyway.configure().dataSource(pool).schemas(settings.schema()).defaultSchema(settings.schema())
                    .locations("classpath:db/migration").load().migrate();
            log.info("database schema {} at version {} ({} migration(s) applied)", settings.schema(),
                    result.targetSchemaVersion, result.migrationsExecuted);
            return new Database(pool, new HikariDataSource(config(settings, "vctt-heartbeat", 1)));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static HikariConfig config(DatabaseSettings settings, String name, int size) {
        var config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setSchema(settings.schema());
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(30_000);
        config.addDataSourceProperty("ApplicationName", "vctt-stream");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return config;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The heartbeat's own connection, outside the pool. */
    public DataSource heartbeatDataSource() {
        return heartbeat;
    }

    @Override
    public void close() {
        heartbeat.close();
        pool.close();
    }
}
