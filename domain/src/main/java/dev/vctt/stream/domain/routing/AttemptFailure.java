package dev.vctt.stream.domain.routing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** One failed attempt as fallback sees it: which model, what kind of failure, and any retry hint. */
public record AttemptFailure(ModelRoute route, FailureKind kind, Optional<Duration> retryAfter) {

    public AttemptFailure {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }
}
