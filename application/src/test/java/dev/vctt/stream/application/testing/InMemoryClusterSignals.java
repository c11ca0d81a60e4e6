package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.application.port.out.ClusterSignals;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Signals between the nodes of one test, in memory: every {@link #node()} of one instance hears what
 * any of them publishes, synchronously, in publication order.
 */
public final class InMemoryClusterSignals implements ClusterSignals {

    private final List<Consumer<ClusterSignal>> listeners = new CopyOnWriteArrayList<>();
    private final List<ClusterSignal> published = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void publish(ClusterSignal signal) {
        published.add(signal);
        for (Consumer<ClusterSignal> listener : listeners) {
            listener.accept(signal);
        }
    }

    @Override
    public Subscription subscribe(Consumer<ClusterSignal> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Another node on the same signals (they are one bus). */
    public ClusterSignals node() {
        return this;
    }

    public List<ClusterSignal> published() {
        return List.copyOf(published);
    }
}
