package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;

/** Whether a cancel found a running stream of that client. */
public sealed interface CancelOutcome {

    /** The stream is being stopped; its {@code stream_complete} with reason cancelled follows. */
    record CancelRequested(SessionId sessionId) implements CancelOutcome {
        public CancelRequested {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    /** No running stream of this client has that id (never started, already ended, or someone else's). */
    record NotFound(SessionId sessionId) implements CancelOutcome {
        public NotFound {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }
}
