package dev.vctt.stream.adapters.websocket.connection;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.request.StreamRequestDraft;
import dev.vctt.stream.domain.session.SessionId;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.BandRequestDraft;
import java.util.Optional;

/** What a client asked for in one event, whatever protocol carried it. */
public sealed interface ClientCommand {

    record RequestStream(StreamRequestDraft draft, Optional<String> requestId) implements ClientCommand {
    }

    record CancelStream(SessionId sessionId) implements ClientCommand {
    }

    record ResumeStream(SessionId sessionId, int fromIndex) implements ClientCommand {
    }

    /** A band: several members answer one question together ({@code band_request}). */
    record RequestBand(BandRequestDraft draft, Optional<String> requestId) implements ClientCommand {
    }

    record CancelBand(BandId bandId) implements ClientCommand {
    }

    /** The event could not be understood; the client is told why. */
    record Unreadable(ErrorCode code, String message, Optional<String> requestId) implements ClientCommand {
    }
}
