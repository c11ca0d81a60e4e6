package dev.vctt.stream.application.port.out;

import dev.vctt.stream.application.port.in.BandCompleted;
import dev.vctt.stream.domain.access.ApiKeyId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A band as it ended, to keep: what its client was told, whose key it ran under, when it began. */
public record BandRecord(BandCompleted band, Optional<ApiKeyId> apiKey, Instant startedAt) {

    public BandRecord {
        Objects.requireNonNull(band, "band");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
