package dev.vctt.stream.application.port.in;

/** Starts streaming an answer to a client's request. */
public interface StartStreamUseCase {

    /**
     * Checks the request, picks the model and starts the provider call; returns without waiting for
     * it. Everything the client must see, refusals included, goes to {@code events}.
     */
    StartOutcome start(StartStreamCommand command, StreamEvents events);
}
