package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.BandStore;
import dev.vctt.stream.application.port.out.BandStoreContract;

/** The fake passes the same contract as the real store. */
class InMemoryBandStoreTest extends BandStoreContract<InMemoryBandStore> {

    @Override
    protected InMemoryBandStore newStore() {
        return new InMemoryBandStore();
    }

    @Override
    protected BandStore onAnotherNode(InMemoryBandStore store) {
        return store.node("another");
    }
}
