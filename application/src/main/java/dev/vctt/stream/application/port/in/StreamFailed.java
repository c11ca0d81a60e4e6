package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.session.AttemptResult;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A request was refused or a stream ended with an error. {@code sessionId} is absent if no session
 * began; {@code attempts} are the models tried, empty for a refusal.
 */
public record StreamFailed(Optional<SessionId> sessionId, ErrorCode code, String message, List<AttemptResult> attempts,
                           Optional<String> requestId, Instant at) {

    /** A refusal before any model was asked. */
    public static StreamFailed refused(ErrorCode code, String message, Optional<String> requestId, Instant at) {
        return new StreamFailed(Optional.empty(), code, message, List.of(), requestId, at);
    }

    public StreamFailed {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        attempts = List.copyOf(attempts);
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(at, "at");
    }

    public boolean retryable() {
        return code.retryable();
    }
}
