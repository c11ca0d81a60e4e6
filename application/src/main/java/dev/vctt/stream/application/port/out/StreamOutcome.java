package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.session.FinishReason;
import java.util.Objects;

/** How a provider stream ended. */
public sealed interface StreamOutcome {

    /** The provider ended the answer properly (its end marker arrived). */
    record Completed(FinishReason reason) implements StreamOutcome {
        public Completed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    record Failed(ProviderFailure failure) implements StreamOutcome {
        public Failed {
            Objects.requireNonNull(failure, "failure");
        }
    }

    /** The stream was cancelled through its handle. */
    record Cancelled() implements StreamOutcome {
    }
}
