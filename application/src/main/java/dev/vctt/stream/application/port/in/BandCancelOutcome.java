package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.band.BandId;
import java.util.Objects;

/** Whether a band cancel found a running band of that client. */
public sealed interface BandCancelOutcome {

    /** Every member is being stopped; their {@code stream_complete}s, then {@code band_complete}, follow. */
    record CancelRequested(BandId bandId) implements BandCancelOutcome {
        public CancelRequested {
            Objects.requireNonNull(bandId, "bandId");
        }
    }

    record NotFound(BandId bandId) implements BandCancelOutcome {
        public NotFound {
            Objects.requireNonNull(bandId, "bandId");
        }
    }
}
