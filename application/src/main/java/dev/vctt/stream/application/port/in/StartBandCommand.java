package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.band.BandRequestDraft;
import java.util.Objects;
import java.util.Optional;

/** A client's request for a band to answer one question; {@code requestId} is echoed back. */
public record StartBandCommand(ClientId client, Caller caller, BandRequestDraft request, Optional<String> requestId) {

    public StartBandCommand {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(requestId, "requestId");
    }
}
