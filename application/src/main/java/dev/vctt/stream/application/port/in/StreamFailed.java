package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A request was refused or a stream ended with an error. {@code sessionId} is absent if no session began. */
public record StreamFailed(Optional<SessionId> sessionId, ErrorCode code, String message, Optional<String> requestId,
                           Instant at) {

    public StreamFailed {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(at, "at");
    }

    public boolean retryable() {
        return code.retryable();
    }
}
