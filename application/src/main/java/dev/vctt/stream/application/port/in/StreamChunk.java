package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.Objects;

/**
 * One piece of the answer. {@code index} counts from 0 per session; {@code tokensUsed} is the
 * output tokens so far and {@code estimatedCost} the cost so far, input included.
 */
public record StreamChunk(SessionId sessionId, int index, String text, ModelId model, TokenCount tokensUsed,
                          Usd estimatedCost, Instant at) {

    public StreamChunk {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tokensUsed, "tokensUsed");
        Objects.requireNonNull(estimatedCost, "estimatedCost");
        Objects.requireNonNull(at, "at");
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
    }
}
