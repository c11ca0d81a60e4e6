package dev.vctt.stream.adapters.websocket.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vctt.stream.adapters.websocket.connection.ClientCommand;
import dev.vctt.stream.adapters.websocket.connection.ClientCommandReader;
import dev.vctt.stream.adapters.websocket.connection.CommandReceipt;
import dev.vctt.stream.adapters.websocket.connection.FrameCodec;
import dev.vctt.stream.adapters.websocket.connection.JsonFrames;
import dev.vctt.stream.adapters.websocket.connection.WellFormedText;
import dev.vctt.stream.adapters.websocket.connection.WireNames;
import dev.vctt.stream.application.port.ErrorCode;
import jakarta.websocket.CloseReason;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The Socket.IO codec: Engine.IO 4 packets over the websocket transport (one packet per frame, text
 * only), carrying Socket.IO 5 packets for the one namespace {@code /stream}. Server events go out as
 * {@code 42/stream,["stream_chunk",{...}]}; the namespace prefix is on every packet, or
 * socket.io-client drops it. Client events are read with the same {@link ClientCommandReader} as
 * the native protocol's, so both protocols understand exactly the same commands.
 */
final class SocketIoFrames implements FrameCodec {

    static final String NAMESPACE = "/stream";
    static final String PING = "2";

    private static final String EVENT_PREFIX = "42" + NAMESPACE + ",";
    private static final int MAX_ACK_ID_DIGITS = 15;
    private static final String EVENT_SHAPE = "an EVENT carries a JSON array [\"event name\", {data}]";

    private final ObjectMapper json;
    private final JsonFrames frames;
    private final int maxFrameBytes;
    private final ClientCommandReader reader = new ClientCommandReader();

    SocketIoFrames(ObjectMapper json, int maxFrameBytes) {
        this.json = json;
        this.frames = new JsonFrames(json.getFactory());
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public String frame(String event, DataWriter data) {
        return frames.write(EVENT_PREFIX, out -> {
            out.writeStartArray();
            out.writeString(event);
            data.write(out);
            out.writeEndArray();
        });
    }

    /**
     * An event with its connection state recovery offset as the last element of the array
     * ({@code 42/stream,["stream_chunk",{...},"1k"]}): socket.io-client keeps the last such string as
     * the offset it sends back when it reconnects.
     */
    String frame(String event, DataWriter data, String offset) {
        return frames.write(EVENT_PREFIX, out -> {
            out.writeStartArray();
            out.writeString(event);
            data.write(out);
            out.writeString(offset);
            out.writeEndArray();
        });
    }

    /** The Engine.IO open packet, the first frame of every connection. */
    String open(String sid, SocketIoSettings settings, int maxPayload) {
        return frames.write("0", out -> {
            out.writeStartObject();
            out.writeStringField("sid", sid);
            out.writeArrayFieldStart("upgrades");
            out.writeEndArray();
            out.writeNumberField("pingInterval", settings.pingInterval().toMillis());
            out.writeNumberField("pingTimeout", settings.pingTimeout().toMillis());
            out.writeNumberField("maxPayload", maxPayload);
            out.writeEndObject();
        });
    }

    /**
     * The CONNECT reply: the client needs the {@code sid}, or it takes the server for a Socket.IO 2
     * one; with connection state recovery on, the private session id {@code pid} too, which the
     * client sends back with its last offset when it reconnects (the same {@code pid} back means
     * "recovered").
     */
    String connected(String sid, Optional<String> pid) {
        return frames.write("40" + NAMESPACE + ",", out -> {
            out.writeStartObject();
            out.writeStringField("sid", sid);
            if (pid.isPresent()) {
                out.writeStringField("pid", pid.get());
            }
            out.writeEndObject();
        });
    }

    /** CONNECT_ERROR for a refused key: socket.io-client fires {@code connect_error} with this message and data. */
    String unauthorized() {
        return "44" + NAMESPACE + ",{\"message\":\"unauthorized\",\"data\":{\"code\":\""
                + WireNames.of(ErrorCode.UNAUTHORIZED) + "\"}}";
    }

    /** CONNECT_ERROR for a namespace this server does not have, in the reference server's words. */
    String invalidNamespace(String namespace) {
        return WellFormedText.repair("44" + ("/".equals(namespace) ? "" : namespace + ",")
                + "{\"message\":\"Invalid namespace\"}");
    }

    /** The acknowledgement of an event the client emitted with a callback: {@code 43/stream,ID[{...}]}. */
    String ack(long id, CommandReceipt receipt) {
        return frames.write("43" + NAMESPACE + "," + id, out -> {
            out.writeStartArray();
            out.writeStartObject();
            switch (receipt) {
                case CommandReceipt.Accepted accepted -> {
                    out.writeBooleanField("accepted", true);
                    out.writeStringField("sessionId", accepted.sessionId().value());
                }
                case CommandReceipt.BandAccepted accepted -> {
                    out.writeBooleanField("accepted", true);
                    out.writeStringField("bandId", accepted.bandId().value());
                }
                case CommandReceipt.Refused refused -> {
                    out.writeBooleanField("accepted", false);
                    out.writeStringField("code", WireNames.of(refused.code()));
                    out.writeStringField("error", refused.message());
                    out.writeBooleanField("retryable", refused.code().retryable());
                }
            }
            out.writeEndObject();
            out.writeEndArray();
        });
    }

    /**
     * Reads one text frame. {@code oversized} means the frame is above the frame limit: an EVENT is
     * then answered with {@code MESSAGE_TOO_LARGE} without reading its payload, anything else closes.
     */
    Inbound read(String text, boolean oversized) {
        if (text.isEmpty()) {
            return violation("an empty frame");
        }
        return switch (text.charAt(0)) {
            case '1' -> new Inbound.Close();
            case '2' -> violation("a client must not ping: with Engine.IO 4 the server pings and the client answers 3");
            case '3' -> new Inbound.Pong();
            case '4' -> socketIo(text, oversized);
            case '6' -> new Inbound.Noop();
            default -> violation("unknown Engine.IO packet type '" + Character.toString(text.codePointAt(0))
                    + "'; this server speaks Engine.IO 4 over the websocket transport");
        };
    }

    private Inbound socketIo(String text, boolean oversized) {
        if (text.length() < 2) {
            return violation("an empty Socket.IO packet");
        }
        char type = text.charAt(1);
        if (type == '5' || type == '6') {
            return new Inbound.Violation(CloseReason.CloseCodes.CANNOT_ACCEPT, "binary packets are not supported");
        }
        if (type < '0' || type > '4') {
            return violation("unknown Socket.IO packet type '" + Character.toString(text.codePointAt(1)) + "'");
        }
        int at = 2;
        String namespace = "/";
        if (at < text.length() && text.charAt(at) == '/') {
            int comma = text.indexOf(',', at);
            namespace = text.substring(at, comma < 0 ? text.length() : comma);
            at = comma < 0 ? text.length() : comma + 1;
        }
        int digits = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        if (at - digits > MAX_ACK_ID_DIGITS) {
            return violation("an acknowledgement id of more than " + MAX_ACK_ID_DIGITS + " digits");
        }
        OptionalLong ackId = at > digits ? OptionalLong.of(Long.parseLong(text.substring(digits, at))) : OptionalLong.empty();
        String payload = text.substring(at);
        if (oversized && type != '2') {
            return new Inbound.Violation(CloseReason.CloseCodes.TOO_BIG, "a frame may be at most " + maxFrameBytes + " bytes");
        }
        return switch (type) {
            case '0' -> connect(namespace, payload);
            case '1' -> new Inbound.Disconnect(namespace);
            case '2' -> new Inbound.Event(namespace, ackId, oversized ? tooLarge() : event(payload));
            case '3' -> new Inbound.Ack(namespace);
            default -> violation("a client does not send CONNECT_ERROR");
        };
    }

    private Inbound connect(String namespace, String payload) {
        if (payload.isEmpty()) {
            return new Inbound.Connect(namespace, Optional.empty());
        }
        try {
            JsonNode auth = json.readTree(payload);
            if (auth instanceof ObjectNode object) {
                return new Inbound.Connect(namespace, Optional.of(object));
            }
        } catch (JsonProcessingException e) {
            // answered below
        }
        return violation("the CONNECT payload must be a JSON object");
    }

    private ClientCommand event(String payload) {
        JsonNode event;
        try {
            event = json.readTree(payload);
        } catch (JsonProcessingException e) {
            return badJson("the event is not valid JSON: " + e.getOriginalMessage() + "; " + EVENT_SHAPE);
        }
        if (event == null || !event.isArray() || event.isEmpty()) {
            return badJson(EVENT_SHAPE);
        }
        JsonNode name = event.get(0);
        if (!name.isTextual() && !name.isNumber()) {
            return badJson(EVENT_SHAPE);
        }
        return reader.read(name.asText(), event.size() > 1 ? event.get(1) : null);
    }

    private ClientCommand tooLarge() {
        return new ClientCommand.Unreadable(ErrorCode.MESSAGE_TOO_LARGE, "a frame may be at most " + maxFrameBytes
                + " bytes", Optional.empty());
    }

    private static ClientCommand badJson(String message) {
        return new ClientCommand.Unreadable(ErrorCode.BAD_JSON, message, Optional.empty());
    }

    private static Inbound violation(String reason) {
        return new Inbound.Violation(CloseReason.CloseCodes.PROTOCOL_ERROR, reason);
    }
}
