package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.routing.FailureKind;

/** Which error code a client sees for a provider failure that ended its stream. */
final class ErrorCodes {

    private ErrorCodes() {
    }

    static ErrorCode forFailure(FailureKind kind) {
        return switch (kind) {
            case TIMEOUT_CONNECT, TIMEOUT_FIRST_TOKEN, TIMEOUT_IDLE, REQUEST_TIMEOUT -> ErrorCode.PROVIDER_TIMEOUT;
            case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
            case INTERNAL -> ErrorCode.INTERNAL_ERROR;
            case CONNECT, CONNECTION_LOST, CONFLICT, OVERLOADED, SERVER_ERROR, STREAM_ERROR_EVENT, MALFORMED_STREAM,
                 BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND -> ErrorCode.PROVIDER_ERROR;
        };
    }
}
