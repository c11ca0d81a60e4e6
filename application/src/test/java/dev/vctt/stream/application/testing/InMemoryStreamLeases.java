package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.NodeIdentity;
import dev.vctt.stream.application.port.out.RunningSession;
import dev.vctt.stream.application.port.out.StreamLeases;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The leases of a node over an {@link InMemorySessionStore}, as a node taking over from one that is
 * gone sees them: every session still running belongs to a dead node (the store keeps no owners), so a
 * take-over claims them all, atomically under the store's lock.
 */
public final class InMemoryStreamLeases implements StreamLeases {

    private static final AtomicInteger TOKENS = new AtomicInteger();

    private final InMemorySessionStore sessions;
    private final NodeIdentity node;
    private final AtomicInteger renewals = new AtomicInteger();

    public InMemoryStreamLeases(InMemorySessionStore sessions) {
        this.sessions = sessions;
        this.node = new NodeIdentity("in-memory", TOKENS.incrementAndGet());
    }

    @Override
    public NodeIdentity node() {
        return node;
    }

    @Override
    public void renew() {
        renewals.incrementAndGet();
    }

    public int renewals() {
        return renewals.get();
    }

    @Override
    public List<RunningSession> takeOverAbandoned(Instant at) {
        return sessions.interruptAllRunning(at);
    }
}
