package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;

/** One stream of a band: its session, the role it speaks for and the model asked first. */
public record BandMember(SessionId sessionId, AgentRole role, ModelId model) {

    public BandMember {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(model, "model");
    }
}
