package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.ClusterSignals;
import dev.vctt.stream.application.port.out.ClusterSignalsContract;

class InMemoryClusterSignalsTest extends ClusterSignalsContract {

    private final InMemoryClusterSignals bus = new InMemoryClusterSignals();

    @Override
    protected ClusterSignals node() {
        return bus.node();
    }
}
