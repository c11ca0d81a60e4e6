package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.application.port.in.ConnectClientUseCase;

/**
 * Keeps the register of clients that are here, which a stream must belong to. The streams a gone
 * client started or resumed go on for the resume grace, unless they asked to be cancelled on
 * disconnect ({@link StreamRun#clientGone}).
 */
public final class ConnectClientService implements ConnectClientUseCase {

    private final ActiveStreams active;

    public ConnectClientService(ActiveStreams active) {
        this.active = active;
    }

    @Override
    public void connect(ClientId client) {
        active.join(client);
    }

    @Override
    public void disconnect(ClientId client) {
        active.leave(client).forEach(run -> run.clientGone(client));
    }
}
