package dev.vctt.stream.adapters.llm.sse;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a provider may take: to connect, from the request to the first token, and between two
 * events once tokens flow. Each expiry is a retryable failure; the upstream connection is closed.
 */
public record ProviderTimeouts(Duration connect, Duration firstToken, Duration idle) {

    public static final ProviderTimeouts DEFAULTS =
            new ProviderTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30));

    public ProviderTimeouts {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(firstToken, "firstToken");
        Objects.requireNonNull(idle, "idle");
        if (connect.isNegative() || connect.isZero() || firstToken.isNegative() || firstToken.isZero()
                || idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: " + connect + ", " + firstToken + ", " + idle);
        }
    }
}
