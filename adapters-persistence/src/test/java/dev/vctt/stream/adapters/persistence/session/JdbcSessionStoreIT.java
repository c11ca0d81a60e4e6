package dev.vctt.stream.adapters.persistence.session;

import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.SessionStore;
import dev.vctt.stream.application.port.out.SessionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class JdbcSessionStoreIT extends SessionStoreContract {

    private static StoreFixture fixture;

    @BeforeAll
    static void open() {
        fixture = new StoreFixture();
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    @Override
    protected SessionStore newStore() {
        return new JdbcSessionStore(fixture.database.dataSource(), fixture.writer);
    }
}
