package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.CountActiveStreamsUseCase;
import dev.vctt.stream.domain.access.ClientId;

/** Counts running streams, for health and metrics. */
public final class CountActiveStreamsService implements CountActiveStreamsUseCase {

    private final ActiveStreams active;

    public CountActiveStreamsService(ActiveStreams active) {
        this.active = active;
    }

    @Override
    public int count() {
        return active.count();
    }

    @Override
    public int countOf(ClientId client) {
        return active.countOf(client);
    }
}
