package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.routing.FailureKind;
import java.util.Objects;

/** How one attempt ended. */
public sealed interface AttemptEnd {

    record Finished(FinishReason reason) implements AttemptEnd {
        public Finished {
            Objects.requireNonNull(reason, "reason");
        }
    }

    record Failed(FailureKind kind, String detail) implements AttemptEnd {
        public Failed {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }
    }

    record Cancelled() implements AttemptEnd {
    }
}
