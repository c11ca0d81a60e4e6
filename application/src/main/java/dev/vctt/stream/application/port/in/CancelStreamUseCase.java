package dev.vctt.stream.application.port.in;

/**
 * Stops streams at a client's request, and decides what becomes of a client's streams when it goes
 * away: they go on for the resume grace (unless they asked to be cancelled on disconnect).
 */
public interface CancelStreamUseCase {

    /** Cancels the named stream if it belongs to the client; the stream then completes as cancelled. */
    CancelOutcome cancel(CancelStreamCommand command);

    /**
     * The client's connection is gone: it receives nothing more. Each stream it started (or resumed)
     * that has nobody else listening is cancelled at once if it asked for {@code onDisconnect: cancel},
     * else after the resume grace unless a resume picks it up first.
     */
    void clientGone(ClientId client);
}
