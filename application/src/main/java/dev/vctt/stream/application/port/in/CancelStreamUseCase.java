package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.ClientId;

/** Stops streams: one at the client's request, or all of a client's when it goes away. */
public interface CancelStreamUseCase {

    /** Cancels the named stream if it belongs to the client; the stream then completes as cancelled. */
    CancelOutcome cancel(CancelStreamCommand command);

    /** Cancels every stream of a client that has gone away. */
    void cancelAllOf(ClientId client);
}
