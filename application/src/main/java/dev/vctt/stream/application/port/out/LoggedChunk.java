package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.routing.ModelId;
import java.util.Objects;

/** One chunk as the log kept it. */
public record LoggedChunk(int index, String text, ModelId model) {

    public LoggedChunk {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(model, "model");
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
    }
}
