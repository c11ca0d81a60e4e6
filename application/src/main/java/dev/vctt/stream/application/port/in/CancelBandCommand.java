package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.band.BandId;
import java.util.Objects;

/** A client asks to stop one of its bands, every member with it. */
public record CancelBandCommand(ClientId client, BandId bandId) {

    public CancelBandCommand {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(bandId, "bandId");
    }
}
