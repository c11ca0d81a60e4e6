package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.SessionStoreContract;

/** The fake passes the same contract as the real store: proof that tests using it are honest. */
class InMemorySessionStoreTest extends SessionStoreContract<InMemorySessionStore> {

    @Override
    protected InMemorySessionStore newStore() {
        return new InMemorySessionStore();
    }
}
