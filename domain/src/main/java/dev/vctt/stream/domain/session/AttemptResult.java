package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.cost.Metering;
import dev.vctt.stream.domain.routing.ModelRoute;
import java.util.Objects;

/** A finished attempt: the model, how many chunks it gave, what it is billed, and how it ended. */
public record AttemptResult(ModelRoute route, int chunks, Metering metering, AttemptEnd end) {

    public AttemptResult {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(metering, "metering");
        Objects.requireNonNull(end, "end");
    }
}
