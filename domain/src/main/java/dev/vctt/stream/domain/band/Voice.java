package dev.vctt.stream.domain.band;

import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import java.util.Objects;

/** One member's answer, as the synthesiser and the judge see it. */
public record Voice(AgentRole role, ModelId model, String answer) {

    public Voice {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(answer, "answer");
    }
}
