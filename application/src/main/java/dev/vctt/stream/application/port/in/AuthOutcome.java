package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.Caller;
import java.util.Objects;

/** Whether a client may connect, and as whom. */
public sealed interface AuthOutcome {

    record Authenticated(Caller caller) implements AuthOutcome {
        public Authenticated {
            Objects.requireNonNull(caller, "caller");
        }
    }

    /** Refused; {@code reason} is safe to show the client (it never echoes the key). */
    record Refused(String reason) implements AuthOutcome {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
