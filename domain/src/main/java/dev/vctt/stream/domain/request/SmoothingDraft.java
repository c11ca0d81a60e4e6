package dev.vctt.stream.domain.request;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** The {@code smooth} object of a request as the client sent it: both fields optional, nothing checked yet. */
public record SmoothingDraft(Optional<String> chunking, OptionalLong maxDelayMs) {

    public SmoothingDraft {
        Objects.requireNonNull(chunking, "chunking");
        Objects.requireNonNull(maxDelayMs, "maxDelayMs");
    }

    public static SmoothingDraft of(String chunking, long maxDelayMs) {
        return new SmoothingDraft(Optional.of(chunking), OptionalLong.of(maxDelayMs));
    }
}
