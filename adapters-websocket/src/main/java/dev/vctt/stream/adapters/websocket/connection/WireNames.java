package dev.vctt.stream.adapters.websocket.connection;

import dev.vctt.stream.application.port.ErrorCode;

/** The names events and error codes have on the wire: one place, one exhaustive switch. */
public final class WireNames {

    public static final String STREAM_START = "stream_start";
    public static final String STREAM_CHUNK = "stream_chunk";
    public static final String STREAM_COMPLETE = "stream_complete";
    public static final String STREAM_ERROR = "stream_error";
    public static final String STREAM_FALLBACK = "stream_fallback";
    public static final String STREAM_HEARTBEAT = "stream_heartbeat";
    public static final String STREAM_RESYNC = "stream_resync";
    public static final String BAND_START = "band_start";
    public static final String BAND_COMPLETE = "band_complete";
    public static final String STREAM_TOOL_CALL = "stream_tool_call";
    public static final String STREAM_TOOL_RESULT = "stream_tool_result";

    private WireNames() {
    }

    public static String of(ErrorCode code) {
        return switch (code) {
            case VALIDATION_ERROR -> "VALIDATION_ERROR";
            case BAD_JSON -> "BAD_JSON";
            case UNKNOWN_EVENT -> "UNKNOWN_EVENT";
            case MESSAGE_TOO_LARGE -> "MESSAGE_TOO_LARGE";
            case UNSUPPORTED_FRAME -> "UNSUPPORTED_FRAME";
            case UNAUTHORIZED -> "UNAUTHORIZED";
            case BUDGET_EXCEEDED -> "BUDGET_EXCEEDED";
            case RATE_LIMITED -> "RATE_LIMITED";
            case TOO_MANY_STREAMS -> "TOO_MANY_STREAMS";
            case PROVIDER_ERROR -> "PROVIDER_ERROR";
            case PROVIDER_TIMEOUT -> "PROVIDER_TIMEOUT";
            case ALL_PROVIDERS_FAILED -> "ALL_PROVIDERS_FAILED";
            case STREAM_NOT_FOUND -> "STREAM_NOT_FOUND";
            case INTERNAL_ERROR -> "INTERNAL_ERROR";
        };
    }
}
