package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.IdGenerator;
import dev.vctt.stream.domain.session.SessionId;
import java.util.concurrent.atomic.AtomicInteger;

/** Session ids {@code s-1}, {@code s-2}, ... */
public final class SequentialIds implements IdGenerator {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public SessionId newSessionId() {
        return SessionId.of("s-" + next.incrementAndGet());
    }
}
