package dev.vctt.stream.adapters.websocket.socketio;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An Engine.IO handshake refusal, as the reference server words it: answered with HTTP 400 and the
 * body {@code {"code":N,"message":"…"}}.
 */
record EngineIoError(int code, String message) {

    static final EngineIoError UNKNOWN_TRANSPORT = new EngineIoError(0, "Transport unknown");
    static final EngineIoError UNKNOWN_SID = new EngineIoError(1, "Session ID unknown");
    static final EngineIoError BAD_REQUEST = new EngineIoError(3, "Bad request");
    static final EngineIoError UNSUPPORTED_PROTOCOL_VERSION = new EngineIoError(5, "Unsupported protocol version");

    String json(ObjectMapper json) {
        // ObjectNode.toString() is Jackson's own serialisation, fields in this order
        return json.createObjectNode().put("code", code).put("message", message).toString();
    }
}
