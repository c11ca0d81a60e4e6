package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.BandCancelOutcome;
import dev.vctt.stream.application.port.in.CancelBandCommand;
import dev.vctt.stream.application.port.in.CancelBandUseCase;
import java.util.Optional;

/**
 * Cancels a client's band on request, here or through the other nodes: every member, the synthesis
 * and the verification. A band not of this connection, ended, or unknown is not found, on any node.
 */
public final class CancelBandService implements CancelBandUseCase {

    private final ActiveBands bands;
    private final Optional<ClusterCancels> elsewhere;

    public CancelBandService(ActiveBands bands) {
        this(bands, Optional.empty());
    }

    /** @param elsewhere present when other nodes share the database: a band not running here may run there */
    public CancelBandService(ActiveBands bands, Optional<ClusterCancels> elsewhere) {
        this.bands = bands;
        this.elsewhere = elsewhere;
    }

    @Override
    public BandCancelOutcome cancel(CancelBandCommand command) {
        Optional<BandRun> here = bands.find(command.client(), command.bandId());
        if (here.isPresent()) {
            here.get().cancel();
            return new BandCancelOutcome.CancelRequested(command.bandId());
        }
        boolean sent = command.caller().isPresent()
                && elsewhere.map(cluster -> cluster.requestBandElsewhere(command.bandId(), command.caller().get()))
                        .orElse(false);
        return sent ? new BandCancelOutcome.CancelRequested(command.bandId())
                : new BandCancelOutcome.NotFound(command.bandId());
    }

    /** Cancels every running band, for shutdown (before the streams themselves are cancelled). */
    public void cancelEverything() {
        bands.all().forEach(BandRun::cancel);
    }
}
