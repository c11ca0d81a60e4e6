package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.BandCancelOutcome;
import dev.vctt.stream.application.port.in.CancelBandCommand;
import dev.vctt.stream.application.port.in.CancelBandUseCase;

/** Cancels a client's band on request: every member, the synthesis and the verification. */
public final class CancelBandService implements CancelBandUseCase {

    private final ActiveBands bands;

    public CancelBandService(ActiveBands bands) {
        this.bands = bands;
    }

    @Override
    public BandCancelOutcome cancel(CancelBandCommand command) {
        return bands.find(command.client(), command.bandId())
                .<BandCancelOutcome>map(band -> {
                    band.cancel();
                    return new BandCancelOutcome.CancelRequested(command.bandId());
                })
                .orElseGet(() -> new BandCancelOutcome.NotFound(command.bandId()));
    }

    /** Cancels every running band, for shutdown (before the streams themselves are cancelled). */
    public void cancelEverything() {
        bands.all().forEach(BandRun::cancel);
    }
}
