package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;

/** Whether a stream was started; the client, if it is still here, has already been told either way. */
public sealed interface StartOutcome {

    record Started(SessionId sessionId) implements StartOutcome {
        public Started {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    /**
     * The client was gone before the stream could start (it left while its request was on the way):
     * nothing was started, nothing was reserved, and nobody is left to tell.
     */
    record ClientGone(ClientId client) implements StartOutcome {
        public ClientGone {
            Objects.requireNonNull(client, "client");
        }
    }

    record Refused(ErrorCode code, String message) implements StartOutcome {
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
