package dev.vctt.stream.application.port.out;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.session.Ended;
import java.util.Objects;
import java.util.Optional;

/** A session ended: everything about it, the answer text, and the error the client was given, if any. */
public record SessionClosed(Ended session, String answer, Optional<ErrorCode> errorCode, Optional<String> errorMessage) {

    public SessionClosed {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(errorMessage, "errorMessage");
    }
}
