package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.CancelOutcome;
import dev.vctt.stream.application.port.in.CancelStreamCommand;
import dev.vctt.stream.application.port.in.CancelStreamUseCase;
import java.util.Optional;

/** Cancels a client's stream on request (here, or through the other nodes), and every stream at shutdown. */
public final class CancelStreamService implements CancelStreamUseCase {

    private final ActiveStreams active;
    private final Optional<ClusterCancels> elsewhere;

    public CancelStreamService(ActiveStreams active) {
        this(active, Optional.empty());
    }

    /** @param elsewhere present when other nodes share the database: a stream not running here may run there */
    public CancelStreamService(ActiveStreams active, Optional<ClusterCancels> elsewhere) {
        this.active = active;
        this.elsewhere = elsewhere;
    }

    @Override
    public CancelOutcome cancel(CancelStreamCommand command) {
        Optional<StreamRun> here = active.find(command.client(), command.sessionId());
        if (here.isPresent()) {
            here.get().cancel();
            return new CancelOutcome.CancelRequested(command.sessionId());
        }
        boolean sent = command.caller().isPresent()
                && elsewhere.map(cluster -> cluster.requestElsewhere(command.sessionId(), command.caller().get()))
                        .orElse(false);
        return sent ? new CancelOutcome.CancelRequested(command.sessionId())
                : new CancelOutcome.NotFound(command.sessionId());
    }

    /** Cancels every running stream, for shutdown. */
    public void cancelEverything() {
        active.all().forEach(StreamRun::cancel);
    }
}
