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
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    public static Database open(DatabaseSettings settings) {
        var config = new HikariConfig();
        config.setPoolName("vctt");
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setSchema(settings.schema());
        config.setMaximumPoolSize(settings.poolSize());
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(30_000);
        config.addDataSourceProperty("ApplicationName", "vctt-stream");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        var pool = new HikariDataSource(config);
        try {
            var result = Flyway.configure().dataSource(pool).schemas(settings.schema()).defaultSchema(settings.schema())
                    .locations("classpath:db/migration").load().migrate();
            log.info("database schema {} at version {} ({} migration(s) applied)", settings.schema(),
                    result.targetSchemaVersion, result.migrationsExecuted);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool);
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
