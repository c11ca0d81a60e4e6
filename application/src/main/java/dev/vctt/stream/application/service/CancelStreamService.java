package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.CancelOutcome;
import dev.vctt.stream.application.port.in.CancelStreamCommand;
import dev.vctt.stream.application.port.in.CancelStreamUseCase;
import dev.vctt.stream.application.port.in.ClientId;

/**
 * Cancels a stream on request of a client that started or resumed it; when a client goes away, its
 * streams go on for the resume grace (or stop at once, if they asked to).
 */
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

    @Override
    public void clientGone(ClientId client) {
        active.leave(client).forEach(run -> run.clientGone(client));
    }

    /** Cancels every running stream, for shutdown. */
    public void cancelEverything() {
        active.all().forEach(StreamRun::cancel);
    }
}
