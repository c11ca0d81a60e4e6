package dev.vctt.stream.bootstrap;

import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StartStreamUseCase;
import dev.vctt.stream.application.port.in.StreamEvents;
import java.util.Objects;

/**
 * Starts streams with the settings in force: a reload swaps the service underneath, and a stream
 * keeps the chain, prices and providers of the service that started it.
 */
final class SwitchableStart implements StartStreamUseCase {

    private volatile StartStreamUseCase current;

    SwitchableStart(StartStreamUseCase first) {
        this.current = Objects.requireNonNull(first, "first");
    }

    void use(StartStreamUseCase next) {
        current = Objects.requireNonNull(next, "next");
    }

    @Override
    public StartOutcome start(StartStreamCommand command, StreamEvents events) {
        return current.start(command, events);
    }
}
