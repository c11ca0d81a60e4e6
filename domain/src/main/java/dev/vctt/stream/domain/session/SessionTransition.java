package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.routing.FailureKind;
import java.util.Objects;

/**
 * What a live session becomes when its attempt ends: the table from how the provider ended and why
 * the stream was being stopped (a budget cut, a cancel) to the next state.
 */
public sealed interface SessionTransition {

    record Complete(FinishReason reason) implements SessionTransition {
        public Complete {
            Objects.requireNonNull(reason, "reason");
        }
    }

    record Cancel() implements SessionTransition {
    }

    /** The attempt failed on its own: the fallback rule decides between another model and failing. */
    record FallBackOrFail(FailureKind kind) implements SessionTransition {
        public FallBackOrFail {
            Objects.requireNonNull(kind, "kind");
        }
    }

    /**
     * A budget cut ends the answer as complete (reason {@code budget}) however the provider ended; a
     * cancel turns a failure into a cancel (the failure is what the cancel caused); a failure that
     * nobody caused goes to the fallback rule.
     */
    static SessionTransition after(ProviderEnd end, boolean budgetCut, boolean cancelRequested) {
        return switch (end) {
            case ProviderEnd.Finished finished -> new Complete(finished.reason());
            case ProviderEnd.Stopped stopped when budgetCut -> new Complete(FinishReason.BUDGET);
            case ProviderEnd.Broke broke when budgetCut -> new Complete(FinishReason.BUDGET);
            case ProviderEnd.Stopped stopped -> new Cancel();
            case ProviderEnd.Broke broke when cancelRequested -> new Cancel();
            case ProviderEnd.Broke broke -> new FallBackOrFail(broke.kind());
        };
    }
}
