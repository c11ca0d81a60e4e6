package dev.vctt.stream.adapters.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.PresentedKey;
import dev.vctt.stream.adapters.websocket.connection.WellFormedText;
import dev.vctt.stream.adapters.websocket.nativeprotocol.NativeStreamEndpoint;
import dev.vctt.stream.adapters.websocket.socketio.SocketIoProtocol;
import dev.vctt.stream.application.port.in.AuthOutcome;
import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.domain.access.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides every WebSocket handshake, once, before Tyrus sees it: the route, the browser origin,
 * then what the route itself asks (a live API key for {@code /stream}, an Engine.IO 4 websocket
 * query for {@code /socket.io/}).
 *
 * <p>The route is chosen on the raw request path, which must be exactly one of the paths the
 * endpoints are registered at. Nothing is decoded, normalised or trimmed first, so a path that
 * passes is one Tyrus, which matches the decoded path, cannot read differently: a percent-encoded
 * letter, {@code %2F}, a dot segment, a double or trailing slash, a backslash, a {@code ;parameter},
 * another case, or anything else that is not a route is refused with 404 here, never handed on to
 * be matched (or mismatched) later.
 */
final class HandshakePolicy {

    private static final Logger log = LoggerFactory.getLogger(HandshakePolicy.class);

    enum Route { NATIVE, SOCKET_IO }

    /** What the guard reads of an upgrade request: its raw path and query, and three headers. */
    record Handshake(String rawPath, String rawQuery, Optional<String> origin, Optional<String> host,
                     Optional<String> authorization) {
        Handshake {
            Objects.requireNonNull(rawPath, "rawPath");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(authorization, "authorization");
        }
    }

    /** What becomes of a handshake. */
    sealed interface Decision {

        /** Tyrus may go on; for {@code /stream} with the caller authenticated here, once for the connection. */
        record Proceed(Route route, Optional<Caller> caller) implements Decision {
        }

        /** Answered with this status and JSON body, then closed. */
        record Refuse(int status, String reason, String json) implements Decision {
        }
    }

    private final Map<String, Route> routes;
    private final OriginPolicy origins;
    private final AuthenticateClientUseCase authenticate;
    private final SocketIoProtocol socketIo;
    private final ObjectMapper json;

    HandshakePolicy(OriginPolicy origins, AuthenticateClientUseCase authenticate, SocketIoProtocol socketIo,
                    ObjectMapper json) {
        this.origins = origins;
        this.authenticate = authenticate;
        this.socketIo = socketIo;
        this.json = json;
        var paths = new LinkedHashMap<String, Route>();
        paths.put(NativeStreamEndpoint.PATH, Route.NATIVE);
        SocketIoProtocol.PATHS.forEach(path -> paths.put(path, Route.SOCKET_IO));
        this.routes = Map.copyOf(paths);
    }

    /** The answer to a request whose raw path is not canonical, upgrade or not. */
    Decision.Refuse notCanonical() {
        return refuse(400, "Bad Request", "BAD_PATH",
                "a request path is written plainly: no escapes, no empty or dot segments, no backslashes or parameters");
    }

    Decision decide(Handshake handshake) {
        Route route = routes.get(handshake.rawPath());
        if (route == null) {
            return refuse(404, "Not Found", "NOT_FOUND",
                    "no WebSocket endpoint at this path; connect to " + NativeStreamEndpoint.PATH + " or "
                            + SocketIoProtocol.PATHS.getFirst());
        }
        String origin = handshake.origin().orElse(null);
        if (!origins.allows(origin, handshake.host().orElse(null))) {
            // the header is the client's: cut, and control characters escaped, so it cannot forge log lines
            log.info("refused a WebSocket handshake from origin {}",
                    WellFormedText.fitUtf8(String.valueOf(origin), 200).replaceAll("\\p{Cntrl}", "?"));
            return refuse(403, "Forbidden", "FORBIDDEN_ORIGIN", "this origin may not connect");
        }
        return switch (route) {
            case SOCKET_IO -> socketIo.handshakeRefusal(handshake.rawQuery())
                    .<Decision>map(body -> new Decision.Refuse(400, "Bad Request", body))
                    .orElseGet(() -> new Decision.Proceed(route, Optional.empty()));
            case NATIVE -> switch (authenticate.authenticate(PresentedKey.from(handshake.authorization().orElse(null),
                    PresentedKey.tokenParameter(handshake.rawQuery())))) {
                case AuthOutcome.Refused refused -> refuse(401, "Unauthorized", "UNAUTHORIZED", refused.reason());
                case AuthOutcome.Authenticated ok -> new Decision.Proceed(route, Optional.of(ok.caller()));
            };
        };
    }

    private Decision.Refuse refuse(int status, String reason, String code, String message) {
        // ObjectNode.toString() is Jackson's own serialisation: escaped, valid JSON
        return new Decision.Refuse(status, reason, json.createObjectNode().put("error", message).put("code", code)
                .toString());
    }
}
