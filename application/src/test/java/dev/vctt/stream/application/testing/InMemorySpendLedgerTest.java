package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.SpendLedger;
import dev.vctt.stream.application.port.out.SpendLedgerContract;

/** The fake passes the same contract as the real store: proof that tests using it are honest. */
class InMemorySpendLedgerTest extends SpendLedgerContract {

    @Override
    protected SpendLedger newLedger() {
        return new InMemorySpendLedger();
    }
}
