package dev.vctt.stream.domain.routing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What happens when a model fails. The same rule holds before and after the first chunk:
 *
 * <ol>
 *   <li>A failure that is not retryable (400, 404, a fault of ours) ends the stream: it
 *       would repeat on the next model with the same request, so the chain is not burnt.</li>
 *   <li>An auth failure (401, 403) is the endpoint's problem (a wrong or revoked key): the next model
 *       of the chain served by another endpoint is asked at once; every model of the failed endpoint is
 *       skipped, since its key would fail again.</li>
 *   <li>A retryable failure moves to the next model of the chain that has not been tried. Before
 *       the first chunk the client sees no error; after it, the next model continues the same
 *       answer (the application gives it the partial text), and the switch is announced.</li>
 *   <li>A retry hint ({@code Retry-After}) binds the provider that sent it: the next model waits for
 *       it when it is served by the same provider and the wait is within {@code maxWait}; a model of
 *       that provider whose wait exceeds {@code maxWait} is skipped. Another provider is asked at once.</li>
 *   <li>When the chain is used up, a model that asked for a wait within {@code maxWait} is asked once
 *       more after it; otherwise the rule gives up.</li>
 * </ol>
 */
public final class FallbackRule {

    private final Duration maxWait;

    public FallbackRule(Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait cannot be negative");
        }
        this.maxWait = maxWait;
    }

    public Duration maxWait() {
        return maxWait;
    }

    /**
     * @param chain    the role's models
     * @param failures every failed attempt of this session so far, the latest last
     */
    public NextStep next(FallbackChain chain, List<AttemptFailure> failures) {
        if (failures.isEmpty()) {
            return new NextStep.TryModel(chain.first(), Duration.ZERO);
        }
        AttemptFailure latest = failures.getLast();
        if (!latest.kind().retryable() && !latest.kind().blamesEndpoint()) {
            return new NextStep.GiveUp(NextStep.GiveUpReason.NOT_RETRYABLE);
        }
        for (ModelRoute candidate : chain.models()) {
            if (tried(candidate, failures) || refusedUs(candidate.provider(), failures)) {
                continue;
            }
            Optional<Duration> wait = waitFor(candidate.provider(), failures);
            if (wait.isPresent()) {
                return new NextStep.TryModel(candidate, wait.get());
            }
        }
        return retryOnceAfterHint(latest, failures);
    }

    /** The wait a provider asked for, zero if it asked for none; empty if it asked for more than we wait. */
    private Optional<Duration> waitFor(ProviderId provider, List<AttemptFailure> failures) {
        Duration wait = Duration.ZERO;
        for (AttemptFailure failure : failures) {
            if (failure.route().provider().equals(provider) && failure.retryAfter().isPresent()) {
                wait = failure.retryAfter().get();
            }
        }
        return wait.compareTo(maxWait) <= 0 ? Optional.of(wait) : Optional.empty();
    }

    private NextStep retryOnceAfterHint(AttemptFailure latest, List<AttemptFailure> failures) {
        if (latest.kind().blamesEndpoint()) {
            return new NextStep.GiveUp(NextStep.GiveUpReason.CHAIN_EXHAUSTED);
        }
        long attemptsOnModel = failures.stream().filter(f -> f.route().equals(latest.route())).count();
        if (attemptsOnModel == 1 && latest.retryAfter().isPresent() && latest.retryAfter().get().compareTo(maxWait) <= 0) {
            return new NextStep.TryModel(latest.route(), latest.retryAfter().get());
        }
        return new NextStep.GiveUp(NextStep.GiveUpReason.CHAIN_EXHAUSTED);
    }

    private static boolean refusedUs(ProviderId provider, List<AttemptFailure> failures) {
        return failures.stream().anyMatch(f -> f.route().provider().equals(provider) && f.kind().blamesEndpoint());
    }

    private static boolean tried(ModelRoute route, List<AttemptFailure> failures) {
        return failures.stream().anyMatch(failure -> failure.route().equals(route));
    }
}
