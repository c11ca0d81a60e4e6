package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.band.BandId;
import java.util.Objects;

/** Whether a band was started; the client, if still here, has already been told either way. */
public sealed interface BandOutcome {

    record Started(BandId bandId) implements BandOutcome {
        public Started {
            Objects.requireNonNull(bandId, "bandId");
        }
    }

    /** The client left before the band could start: nothing started, nothing reserved. */
    record ClientGone(ClientId client) implements BandOutcome {
        public ClientGone {
            Objects.requireNonNull(client, "client");
        }
    }

    record Refused(ErrorCode code, String message) implements BandOutcome {
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
