package dev.vctt.stream.application.port.in;

/** Stops a stream at the client's request (a client that goes away: {@link ConnectClientUseCase#disconnect}). */
public interface CancelStreamUseCase {

    /** Cancels the named stream if it belongs to the client; the stream then completes as cancelled. */
    CancelOutcome cancel(CancelStreamCommand command);
}
