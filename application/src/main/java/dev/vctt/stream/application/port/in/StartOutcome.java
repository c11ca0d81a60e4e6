package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;

/** Whether a stream was started; the client has already been told either way. */
public sealed interface StartOutcome {

    record Started(SessionId sessionId) implements StartOutcome {
        public Started {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    record Refused(ErrorCode code, String message) implements StartOutcome {
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
