package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;

/** A client, on any of its caller's connections, asks for a stream from chunk {@code fromIndex} on. */
public record ResumeStreamCommand(ClientId client, Caller caller, SessionId sessionId, int fromIndex) {

    public ResumeStreamCommand {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(sessionId, "sessionId");
        if (fromIndex < 0) {
            throw new IllegalArgumentException("fromIndex must not be negative");
        }
    }
}
