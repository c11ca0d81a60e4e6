package dev.vctt.stream.domain.routing;

/**
 * Why a provider call failed, in the terms fallback decides on. Retryable kinds are those where
 * asking again (or asking another model) may well succeed; the others would fail the same way.
 */
public enum FailureKind {
    CONNECT(true),
    TIMEOUT_CONNECT(true),
    TIMEOUT_FIRST_TOKEN(true),
    TIMEOUT_IDLE(true),
    /** The connection ended before the stream's end marker. */
    CONNECTION_LOST(true),
    /** HTTP 408. */
    REQUEST_TIMEOUT(true),
    /** HTTP 409. */
    CONFLICT(true),
    RATE_LIMITED(true),
    OVERLOADED(true),
    SERVER_ERROR(true),
    STREAM_ERROR_EVENT(true),
    MALFORMED_STREAM(true),
    BAD_REQUEST(false),
    UNAUTHORIZED(false),
    FORBIDDEN(false),
    NOT_FOUND(false),
    /** A fault inside this server while handling the stream. */
    INTERNAL(false);

    private final boolean retryable;

    FailureKind(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }

    /**
     * The endpoint's own problem (a wrong or revoked key, a region it refuses): the same request may
     * well succeed on another endpoint, never on this one.
     */
    public boolean blamesEndpoint() {
        return this == UNAUTHORIZED || this == FORBIDDEN;
    }

    public boolean isTimeout() {
        return this == TIMEOUT_CONNECT || this == TIMEOUT_FIRST_TOKEN || this == TIMEOUT_IDLE || this == REQUEST_TIMEOUT;
    }
}
