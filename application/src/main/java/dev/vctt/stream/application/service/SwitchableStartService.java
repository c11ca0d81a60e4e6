package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StartStreamUseCase;
import dev.vctt.stream.application.port.in.StreamEvents;
import java.util.Objects;

/**
 * Starts streams with the settings in force: a reload swaps the service underneath, and a stream
 * keeps the chain, prices and providers of the service that started it.
 */
public final class SwitchableStartService implements StartStreamUseCase {

    private volatile StartStreamUseCase current;

    public SwitchableStartService(StartStreamUseCase first) {
        this.current = Objects.requireNonNull(first, "first");
    }

    /** New streams start on {@code next} from now on; streams already started are not touched. */
    public void use(StartStreamUseCase next) {
        current = Objects.requireNonNull(next, "next");
    }

    @Override
    public StartOutcome start(StartStreamCommand command, StreamEvents events) {
        return current.start(command, events);
    }
}
