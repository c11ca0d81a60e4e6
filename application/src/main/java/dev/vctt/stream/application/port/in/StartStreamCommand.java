package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.request.StreamRequestDraft;
import java.util.Objects;
import java.util.Optional;

/** A client's request to stream an answer, as received; {@code requestId} is echoed back. */
public record StartStreamCommand(ClientId client, Caller caller, StreamRequestDraft request, Optional<String> requestId) {

    public StartStreamCommand {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(requestId, "requestId");
    }
}
