package dev.vctt.stream.adapters.websocket.connection;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Writes a frame's JSON with Jackson's streaming generator: no tree, no reflection on the chunk
 * path. Jackson copies lone surrogates through as they are, which no transport can encode, so the
 * frame is {@linkplain WellFormedText#repair repaired}: whatever a client echoes, the frame can be sent.
 */
public final class JsonFrames {

    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator out) throws IOException;
    }

    private final JsonFactory factory;

    public JsonFrames(JsonFactory factory) {
        this.factory = factory;
    }

    public String write(String prefix, Body body) {
        var text = new StringWriter(192);
        text.write(prefix);
        try (JsonGenerator out = factory.createGenerator(text)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a frame", e);
        }
        return WellFormedText.repair(text.toString());
    }
}
