package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ModelId;
import java.time.Duration;

/**
 * For observing streams: what operators scrape. Called on stream threads, {@link #chunk} once per
 * chunk, so implementations must be cheap and never block.
 */
public interface StreamMetrics {

    enum Outcome { COMPLETED, CANCELLED, FAILED }

    void started(AgentRole role, ModelId model);

    void firstToken(AgentRole role, ModelId model, Duration afterStart);

    /** A chunk and the gap since the previous chunk of the same stream (zero for the first). */
    void chunk(ModelId model, Duration gap);

    void ended(AgentRole role, ModelId model, Outcome outcome, TokenUsage usage, Usd cost);

    void fellBack(ModelId from, ModelId to, FailureKind why);

    void providerFailed(ModelId model, FailureKind kind);

    /** Output tokens a stream was billed after its last client left or cancelled (once, at its end). */
    default void wasted(AgentRole role, ModelId model, long tokens) {
    }

}
