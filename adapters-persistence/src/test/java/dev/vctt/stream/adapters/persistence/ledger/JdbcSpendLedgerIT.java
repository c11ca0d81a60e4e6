package dev.vctt.stream.adapters.persistence.ledger;

import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.SpendLedger;
import dev.vctt.stream.application.port.out.SpendLedgerContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcSpendLedgerIT extends SpendLedgerContract {

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    @Override
    protected SpendLedger newLedger() {
        return new JdbcSpendLedger(fixture.database.dataSource(), fixture.writer);
    }
}
