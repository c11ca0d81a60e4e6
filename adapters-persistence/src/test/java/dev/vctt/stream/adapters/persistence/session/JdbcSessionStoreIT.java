package dev.vctt.stream.adapters.persistence.session;

import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.SessionStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcSessionStoreIT extends SessionStoreContract<JdbcSessionStore> {

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    @Override
    protected JdbcSessionStore newStore() {
        return new JdbcSessionStore(fixture.database.dataSource(), fixture.writer);
    }
}
