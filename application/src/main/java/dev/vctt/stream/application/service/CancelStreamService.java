package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.CancelOutcome;
import dev.vctt.stream.application.port.in.CancelStreamCommand;
import dev.vctt.stream.application.port.in.CancelStreamUseCase;

/** Cancels a client's stream on request, and every stream at shutdown. */
public final class CancelStreamService implements CancelStreamUseCase {

    private final ActiveStreams active;

    public CancelStreamService(ActiveStreams active) {
        this.active = active;
    }

    @Override
    public CancelOutcome cancel(CancelStreamCommand command) {
        return active.find(command.client(), command.sessionId())
                .<CancelOutcome>map(run -> {
                    run.cancel();
                    return new CancelOutcome.CancelRequested(command.sessionId());
                })
                .orElseGet(() -> new CancelOutcome.NotFound(command.sessionId()));
    }

    /** Cancels every running stream, for shutdown. */
    public void cancelEverything() {
        active.all().forEach(StreamRun::cancel);
    }
}
