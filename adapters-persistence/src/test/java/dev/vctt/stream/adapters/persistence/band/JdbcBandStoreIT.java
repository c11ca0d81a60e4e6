package dev.vctt.stream.adapters.persistence.band;

import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.BandStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcBandStoreIT extends BandStoreContract<JdbcBandStore> {

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    @Override
    protected JdbcBandStore newStore() {
        return new JdbcBandStore(fixture.database.dataSource(), fixture.writer);
    }
}
