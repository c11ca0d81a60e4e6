package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.band.BandId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A band as it starts: enough for any node to check a {@code band_cancel}'s caller against it (ids only). */
public record RunningBand(BandId bandId, Optional<ApiKeyId> apiKey, Instant startedAt) {

    public RunningBand {
        Objects.requireNonNull(bandId, "bandId");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
