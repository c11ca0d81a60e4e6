package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.ClientId;

/** Tells how many streams are running, for health and metrics. */
public interface CountActiveStreamsUseCase {

    int count();

    int countOf(ClientId client);
}
