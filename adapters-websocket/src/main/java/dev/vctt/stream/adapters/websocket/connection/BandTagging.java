package dev.vctt.stream.adapters.websocket.connection;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;

/**
 * Adds {@code bandId} and {@code agentRole} to the data object of a band member's ordinary event,
 * just before the object closes, so every stream event keeps one writer whether or not it is a
 * band's. It counts only the objects written through it: the first one opened is the data object.
 */
final class BandTagging extends JsonGeneratorDelegate {

    private final String bandId;
    private final String agentRole;
    private int depth;
    private boolean roleWritten;

    BandTagging(JsonGenerator out, String bandId, String agentRole) {
        super(out, false);
        this.bandId = bandId;
        this.agentRole = agentRole;
    }

    @Override
    public void writeStartObject() throws IOException {
        depth++;
        super.writeStartObject();
    }

    @Override
    public void writeFieldName(String name) throws IOException {
        noteField(name);
        super.writeFieldName(name);
    }

    @Override
    public void writeStringField(String name, String value) throws IOException {
        noteField(name);
        super.writeStringField(name, value);
    }

    /** {@code stream_start} names its role already; it is not written twice. */
    private void noteField(String name) {
        if (depth == 1 && "agentRole".equals(name)) {
            roleWritten = true;
        }
    }

    @Override
    public void writeEndObject() throws IOException {
        if (depth == 1) {
            super.writeStringField("bandId", bandId);
            if (!roleWritten) {
                super.writeStringField("agentRole", agentRole);
            }
        }
        depth--;
        super.writeEndObject();
    }
}
