package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a running session stands: what a crash would leave behind. The latest snapshot replaces
 * earlier ones, so a snapshot written twice does no harm.
 */
public record SessionProgress(SessionId id, ModelRoute model, int attempts, int chunks, String partialText,
                              TokenCount inputEstimate, TokenCount outputSoFar, Usd estimatedCost,
                              Optional<Instant> firstTokenAt, Instant at) {

    public SessionProgress {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(partialText, "partialText");
        Objects.requireNonNull(inputEstimate, "inputEstimate");
        Objects.requireNonNull(outputSoFar, "outputSoFar");
        Objects.requireNonNull(estimatedCost, "estimatedCost");
        Objects.requireNonNull(firstTokenAt, "firstTokenAt");
        Objects.requireNonNull(at, "at");
    }
}
