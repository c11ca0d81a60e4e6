package dev.vctt.stream.domain.routing;

import java.time.Duration;
import java.util.Objects;

/** What to do after an attempt failed: try a model (after a wait), or give up. */
public sealed interface NextStep {

    /** Ask this model next, once {@code after} has passed (zero: at once). */
    record TryModel(ModelRoute route, Duration after) implements NextStep {
        public TryModel {
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(after, "after");
            if (after.isNegative()) {
                throw new IllegalArgumentException("a wait cannot be negative");
            }
        }
    }

    /** Stop: the failure is not worth another try, or nothing is left to try. */
    record GiveUp(GiveUpReason reason) implements NextStep {
        public GiveUp {
            Objects.requireNonNull(reason, "reason");
        }

        /** Several models were asked and none could answer (rather than one failure not worth retrying). */
        public boolean everyModelFailed(int attempts) {
            return reason == GiveUpReason.CHAIN_EXHAUSTED && attempts > 1;
        }
    }

    /** Why the rule gave up. */
    enum GiveUpReason {
        /** The failure would repeat on any model (400, 401, 403, 404, or a fault of ours). */
        NOT_RETRYABLE,
        /** Every model of the chain was tried. */
        CHAIN_EXHAUSTED
    }
}
