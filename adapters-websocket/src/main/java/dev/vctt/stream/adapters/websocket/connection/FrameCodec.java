package dev.vctt.stream.adapters.websocket.connection;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** How one protocol wraps a server event into a text frame. */
public interface FrameCodec {

    /** Writes the JSON object that is an event's data. */
    @FunctionalInterface
    interface DataWriter {
        void write(JsonGenerator out) throws IOException;
    }

    String frame(String event, DataWriter data);
}
