package dev.vctt.stream.bootstrap;

import dev.vctt.stream.application.port.out.IdGenerator;
import dev.vctt.stream.domain.session.SessionId;
import java.util.UUID;

/** Session ids as random UUIDs. */
final class RandomIds implements IdGenerator {

    @Override
    public SessionId newSessionId() {
        return SessionId.of(UUID.randomUUID().toString());
    }
}
