package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;

/** What became of a resume: the replay began, or it was refused with a code (nothing was sent then). */
public sealed interface ResumeOutcome {

    record Resumed(SessionId sessionId) implements ResumeOutcome {
        public Resumed {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    /** {@code STREAM_NOT_FOUND} (unknown, another caller's, past retention) or {@code VALIDATION_ERROR}. */
    record Refused(ErrorCode code, String message) implements ResumeOutcome {
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
