package dev.vctt.stream.adapters.websocket.connection;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.session.SessionId;
import dev.vctt.stream.domain.band.BandId;
import java.util.Objects;

/**
 * What became of one client command, for a protocol that answers commands one by one (Socket.IO
 * acknowledgements). The events the command causes ({@code stream_start}, {@code stream_error}, …)
 * are sent as well, whatever the protocol.
 */
public sealed interface CommandReceipt {

    /** A stream was started ({@code stream_request}) or is being stopped ({@code stream_cancel}). */
    record Accepted(SessionId sessionId) implements CommandReceipt {
        public Accepted {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    /** A band was started ({@code band_request}) or is being stopped ({@code band_cancel}). */
    record BandAccepted(BandId bandId) implements CommandReceipt {
        public BandAccepted {
            Objects.requireNonNull(bandId, "bandId");
        }
    }

    /** The command was refused or could not be read; {@code message} says why. */
    record Refused(ErrorCode code, String message) implements CommandReceipt {
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
