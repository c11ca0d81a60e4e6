package dev.vctt.stream.adapters.persistence.testing;

import dev.vctt.stream.adapters.persistence.Database;
import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.JdbcWriter;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A migrated schema of its own, with a writer, for one test class; closed after it when registered
 * as {@code @RegisterExtension static final StoreFixture fixture = new StoreFixture();}.
 */
public final class StoreFixture implements AutoCloseable, AfterAllCallback {

    public final DatabaseSettings settings;
    public final Database database;
    public final JdbcWriter writer;

    public StoreFixture() {
        settings = TestDatabase.freshSchema();
        database = Database.open(settings);
        writer = new JdbcWriter(database.dataSource(), 10_000, Duration.ofMillis(20), Duration.ofMillis(500));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        writer.close(Duration.ofSeconds(10));
        database.close();
    }
}
