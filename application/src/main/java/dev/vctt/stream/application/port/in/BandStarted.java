package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.band.BandId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A band began: its id and its thinking members, in the order asked. The synthesiser and the
 * verifier, when they run, appear later as further members (their own {@code stream_start}).
 */
public record BandStarted(BandId bandId, List<BandMember> members, Optional<String> requestId, Instant at) {

    public BandStarted {
        Objects.requireNonNull(bandId, "bandId");
        members = List.copyOf(members);
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(at, "at");
    }
}
