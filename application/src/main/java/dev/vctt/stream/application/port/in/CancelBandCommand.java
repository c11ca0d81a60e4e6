package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.band.BandId;
import java.util.Objects;
import java.util.Optional;

/**
 * A client asks to stop one of its bands, every member with it. With the caller it acts for, the
 * cancel also reaches a band of that caller running on another node sharing the database.
 */
public record CancelBandCommand(ClientId client, BandId bandId, Optional<Caller> caller) {

    public CancelBandCommand {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(bandId, "bandId");
        Objects.requireNonNull(caller, "caller");
    }

    /** A cancel of a band this client started on this node. */
    public CancelBandCommand(ClientId client, BandId bandId) {
        this(client, bandId, Optional.empty());
    }
}
