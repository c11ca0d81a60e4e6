package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.session.SessionId;

/** For naming new sessions. */
public interface IdGenerator {

    SessionId newSessionId();
}
