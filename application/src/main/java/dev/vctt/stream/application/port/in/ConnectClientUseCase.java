package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.ClientId;

/**
 * Tells the server when a client connection arrives and when it is gone. Streams belong to a client
 * that is here: one that is gone starts none, and the ones it had are stopped.
 */
public interface ConnectClientUseCase {

    /** A client connection opened: until it is gone, it may start streams. */
    void connect(ClientId client);

    /**
     * The client is gone. From now on it starts no stream, whenever its start request was sent (one
     * still on its way is refused with {@link StartOutcome.ClientGone}), and its running streams are
     * cancelled. Idempotent.
     */
    void disconnect(ClientId client);
}
