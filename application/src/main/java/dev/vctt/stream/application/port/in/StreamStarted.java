package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A stream began: its id, the model asked first, the role it serves. */
public record StreamStarted(SessionId sessionId, ModelId model, AgentRole role, Optional<String> requestId, Instant at) {

    public StreamStarted {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(at, "at");
    }
}
