package dev.vctt.stream.adapters.persistence.testing;

import dev.vctt.stream.adapters.persistence.Database;
import dev.vctt.stream.adapters.persistence.JdbcWriter;
import java.time.Duration;

/** A migrated schema of its own, with a writer, for one test class; closed after it. */
public final class StoreFixture implements AutoCloseable {

    public final Database database;
    public final JdbcWriter writer;

    public StoreFixture() {
        database = Database.open(TestDatabase.freshSchema());
        writer = new JdbcWriter(database.dataSource(), 10_000, Duration.ofMillis(20), Duration.ofMillis(500));
    }

    @Override
    public void close() {
        writer.close(Duration.ofSeconds(10));
        database.close();
    }
}
