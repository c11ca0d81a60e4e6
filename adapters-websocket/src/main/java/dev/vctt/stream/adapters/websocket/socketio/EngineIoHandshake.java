package dev.vctt.stream.adapters.websocket.socketio;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a request to {@code /socket.io/} may become an Engine.IO connection: only Engine.IO 4
 * ({@code EIO=4}) over the websocket transport, as a WebSocket upgrade, without a {@code sid}
 * (there are no long-polling sessions to upgrade). The checks and their order follow the reference
 * server, so clients see the errors they know.
 */
final class EngineIoHandshake {

    private EngineIoHandshake() {
    }

    /** What is wrong with the request, if anything. */
    static Optional<EngineIoError> check(String queryString, boolean upgrade) {
        Map<String, String> query = parameters(queryString);
        if (!"websocket".equals(query.get("transport"))) {
            return Optional.of(EngineIoError.UNKNOWN_TRANSPORT);
        }
        if (query.containsKey("sid")) {
            return Optional.of(EngineIoError.UNKNOWN_SID);
        }
        if (!upgrade) {
            return Optional.of(EngineIoError.BAD_REQUEST);
        }
        if (!"4".equals(query.get("EIO"))) {
            return Optional.of(EngineIoError.UNSUPPORTED_PROTOCOL_VERSION);
        }
        return Optional.empty();
    }

    /** The first value of each query parameter, decoded. */
    static Map<String, String> parameters(String queryString) {
        var parameters = new HashMap<String, String>();
        if (queryString == null || queryString.isEmpty()) {
            return parameters;
        }
        for (String pair : queryString.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                parameters.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: the parameter is ignored, as if absent
            }
        }
        return parameters;
    }
}
