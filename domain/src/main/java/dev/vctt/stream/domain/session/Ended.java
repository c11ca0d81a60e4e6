package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.cost.Metering;
import dev.vctt.stream.domain.routing.ModelRoute;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A session that will not change any more, with every attempt it made and what they cost. */
public sealed interface Ended extends StreamSession permits Completed, Cancelled, Failed {

    Optional<Instant> firstTokenAt();

    Instant endedAt();

    /** Chunks sent to the client, across all attempts. */
    int chunks();

    List<AttemptResult> attempts();

    /** What the session is billed: the sum of its attempts. */
    default Metering metering() {
        return SessionTotals.of(attempts());
    }

    /** The model that answered last. */
    default ModelRoute lastRoute() {
        return attempts().getLast().route();
    }

    /**
     * Whether an attempt failed and another model was asked after it. A tool loop's next step follows
     * a finished attempt, so it is no fallback.
     */
    default boolean fellBack() {
        List<AttemptResult> all = attempts();
        return all.subList(0, all.size() - 1).stream().anyMatch(attempt -> attempt.end() instanceof AttemptEnd.Failed);
    }

    default Duration latency() {
        return Duration.between(startedAt(), endedAt());
    }

    default Optional<Duration> timeToFirstToken() {
        return firstTokenAt().map(first -> Duration.between(startedAt(), first));
    }
}
