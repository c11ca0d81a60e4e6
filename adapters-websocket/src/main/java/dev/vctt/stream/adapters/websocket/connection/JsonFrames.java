package dev.vctt.stream.adapters.websocket.connection;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import java.io.IOException;
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
        // the writer's segments and the generator's buffer come from the factory's pool and go back to
        // it: a frame allocates its String and little else (a StringWriter grew and copied it twice)
        BufferRecycler buffers = factory._getBufferRecycler();
        try (var text = new SegmentedStringWriter(buffers)) {
            text.write(prefix);
            try (JsonGenerator out = factory.createGenerator(text)) {
                body.write(out);
            }
            return WellFormedText.repair(text.getAndClear());
        } catch (IOException e) {
            throw new UncheckedIOException("writing a frame", e);
        } finally {
            buffers.releaseToPool();
        }
    }
}
