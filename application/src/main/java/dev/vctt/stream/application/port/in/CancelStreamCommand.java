package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;
import java.util.Optional;

/**
 * A client asks to stop one of its streams. With the caller it acts for, the cancel also reaches a
 * stream of that caller running on another node sharing the database.
 */
public record CancelStreamCommand(ClientId client, SessionId sessionId, Optional<Caller> caller) {

    public CancelStreamCommand {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(caller, "caller");
    }

    /** A cancel of a stream this client started or resumed on this node. */
    public CancelStreamCommand(ClientId client, SessionId sessionId) {
        this(client, sessionId, Optional.empty());
    }
}
