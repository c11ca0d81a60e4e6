package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.request.StreamRequest;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A session began: who asked what, for which role, which model is asked first. */
public record SessionOpened(SessionId id, ClientId client, Caller caller, StreamRequest request,
                            Optional<String> requestId, ModelRoute firstModel, TokenCount inputEstimate,
                            Instant startedAt) {

    public SessionOpened {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(firstModel, "firstModel");
        Objects.requireNonNull(inputEstimate, "inputEstimate");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
