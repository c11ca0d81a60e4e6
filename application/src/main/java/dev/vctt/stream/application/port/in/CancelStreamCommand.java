package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;

/** A client asks to stop one of its streams. */
public record CancelStreamCommand(ClientId client, SessionId sessionId) {

    public CancelStreamCommand {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(sessionId, "sessionId");
    }
}
