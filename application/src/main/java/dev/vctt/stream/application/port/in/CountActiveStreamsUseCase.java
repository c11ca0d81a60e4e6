package dev.vctt.stream.application.port.in;

/** Tells how many streams are running, for health and metrics. */
public interface CountActiveStreamsUseCase {

    int count();

    int countOf(ClientId client);
}
