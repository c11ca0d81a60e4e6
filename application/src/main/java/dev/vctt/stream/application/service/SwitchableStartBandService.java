package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.BandEvents;
import dev.vctt.stream.application.port.in.BandOutcome;
import dev.vctt.stream.application.port.in.StartBandCommand;
import dev.vctt.stream.application.port.in.StartBandUseCase;
import java.util.Objects;

/**
 * Starts bands with the settings in force, as {@link SwitchableStartService} does for single
 * streams: a reload swaps the service underneath, and a running band keeps the routes, prices,
 * limits and providers of the service that started it (its synthesis and verification too).
 */
public final class SwitchableStartBandService implements StartBandUseCase {

    private volatile StartBandUseCase current;

    public SwitchableStartBandService(StartBandUseCase first) {
        this.current = Objects.requireNonNull(first, "first");
    }

    /** New bands start on {@code next} from now on; bands already started are not touched. */
    public void use(StartBandUseCase next) {
        current = Objects.requireNonNull(next, "next");
    }

    @Override
    public BandOutcome start(StartBandCommand command, BandEvents events) {
        return current.start(command, events);
    }
}
