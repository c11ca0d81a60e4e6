package dev.vctt.stream.adapters.persistence.ledger;

import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.SpendLedger;
import dev.vctt.stream.application.port.out.SpendLedgerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class JdbcSpendLedgerIT extends SpendLedgerContract {

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
    protected SpendLedger newLedger() {
        return new JdbcSpendLedger(fixture.database.dataSource(), fixture.writer);
    }
}
