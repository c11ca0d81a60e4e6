package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A session the store still holds as running: after a restart, one a crash left behind. */
public record RunningSession(SessionId id, Optional<ApiKeyId> apiKey, Instant startedAt, ModelRoute firstModel,
                             TokenCount inputEstimate, Optional<SessionProgress> lastProgress) {

    public RunningSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(firstModel, "firstModel");
        Objects.requireNonNull(inputEstimate, "inputEstimate");
        Objects.requireNonNull(lastProgress, "lastProgress");
    }
}
