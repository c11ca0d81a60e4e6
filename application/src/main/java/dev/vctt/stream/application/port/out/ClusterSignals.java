package dev.vctt.stream.application.port.out;

import java.util.function.Consumer;

/**
 * For telling every node sharing the database (this one included) that something happened to a
 * stream, and for hearing what any node tells.
 *
 * <p>Signals are hints, not data: the data stays in the tables, a signal only says where to look (a
 * lost signal delays, never corrupts). {@link #publish} never blocks for long and never throws: a signal
 * that cannot be sent is dropped and logged. Listeners are called one at a time, on a thread of the
 * adapter's, in the order signals were sent by each node.
 */
public interface ClusterSignals {

    void publish(ClusterSignal signal);

    /** Calls the listener with every signal from now on, until the returned handle is closed. */
    Subscription subscribe(Consumer<ClusterSignal> listener);

    /** A listener's registration. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
