package dev.vctt.stream.application.port.out;

/**
 * A store cannot answer now (database down, pool exhausted, backlog full). The one unchecked
 * exception the store ports declare; the use case turns it into a clear error for the client.
 */
public final class StoreUnavailable extends RuntimeException {

    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailable(String message) {
        super(message);
    }
}
