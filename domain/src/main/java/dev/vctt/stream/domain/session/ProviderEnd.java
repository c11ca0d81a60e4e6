package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.routing.FailureKind;
import java.util.Objects;

/** How a provider ended one attempt, as the session's rules see it. */
public sealed interface ProviderEnd {

    /** The model ended its answer. */
    record Finished(FinishReason reason) implements ProviderEnd {
        public Finished {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The call was stopped through its handle. */
    record Stopped() implements ProviderEnd {
    }

    /** The call broke. */
    record Broke(FailureKind kind) implements ProviderEnd {
        public Broke {
            Objects.requireNonNull(kind, "kind");
        }
    }
}
