package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.ApiKeyStore;
import dev.vctt.stream.application.port.out.ApiKeyStoreContract;

/** The fake passes the same contract as the real store: proof that tests using it are honest. */
class InMemoryApiKeyStoreTest extends ApiKeyStoreContract {

    @Override
    protected ApiKeyStore newStore() {
        return new InMemoryApiKeyStore();
    }
}
