package dev.vctt.stream.adapters.websocket.nativeprotocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.ClientCommand;
import dev.vctt.stream.adapters.websocket.connection.ClientCommandReader;
import dev.vctt.stream.adapters.websocket.connection.FrameCodec;
import dev.vctt.stream.adapters.websocket.connection.JsonFrames;
import dev.vctt.stream.application.port.ErrorCode;
import java.util.Optional;

/** The native protocol: every text frame is one JSON object {@code {"event": NAME, "data": {...}}}. */
final class NativeFrames implements FrameCodec {

    private final ObjectMapper json;
    private final JsonFrames frames;
    private final ClientCommandReader reader = new ClientCommandReader();

    NativeFrames(ObjectMapper json) {
        this.json = json;
        this.frames = new JsonFrames(json.getFactory());
    }

    @Override
    public String frame(String event, DataWriter data) {
        return frames.write("", out -> {
            out.writeStartObject();
            out.writeStringField("event", event);
            out.writeFieldName("data");
            data.write(out);
            out.writeEndObject();
        });
    }

    ClientCommand read(String text) {
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JsonProcessingException e) {
            return badJson("the frame is not valid JSON: " + e.getOriginalMessage());
        }
        if (frame == null || !frame.isObject()) {
            return badJson("a frame must be a JSON object {\"event\": name, \"data\": {...}}");
        }
        JsonNode event = frame.get("event");
        if (event == null || !event.isTextual()) {
            return badJson("a frame must name its event as a string in \"event\"");
        }
        return reader.read(event.asText(), frame.get("data"));
    }

    private static ClientCommand badJson(String message) {
        return new ClientCommand.Unreadable(ErrorCode.BAD_JSON, message, Optional.empty());
    }
}
