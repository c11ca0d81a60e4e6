package dev.vctt.stream.application.port;

/**
 * The closed set of error codes a client can receive in {@code stream_error}. {@code retryable}
 * tells the client whether sending the same request again may succeed.
 */
public enum ErrorCode {
    VALIDATION_ERROR(false),
    BAD_JSON(false),
    UNKNOWN_EVENT(false),
    MESSAGE_TOO_LARGE(false),
    UNSUPPORTED_FRAME(false),
    UNAUTHORIZED(false),
    BUDGET_EXCEEDED(false),
    RATE_LIMITED(true),
    TOO_MANY_STREAMS(true),
    PROVIDER_ERROR(true),
    PROVIDER_TIMEOUT(true),
    ALL_PROVIDERS_FAILED(true),
    STREAM_NOT_FOUND(false),
    INTERNAL_ERROR(true);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
