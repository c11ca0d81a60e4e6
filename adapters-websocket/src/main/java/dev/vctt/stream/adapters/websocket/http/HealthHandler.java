package dev.vctt.stream.adapters.websocket.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.application.port.in.CountActiveStreamsUseCase;
import java.io.IOException;
import java.util.function.IntSupplier;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** {@code GET /health}: liveness, with the number of open connections and running streams. */
public final class HealthHandler extends HttpHandler {

    private final ObjectMapper json;
    private final CountActiveStreamsUseCase streams;
    private final IntSupplier connections;

    public HealthHandler(ObjectMapper json, CountActiveStreamsUseCase streams, IntSupplier connections) {
        this.json = json;
        this.streams = streams;
        this.connections = connections;
    }

    @Override
    public void service(Request request, Response response) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        try (JsonGenerator out = json.getFactory().createGenerator(response.getWriter())) {
            out.writeStartObject();
            out.writeStringField("status", "up");
            out.writeNumberField("connections", connections.getAsInt());
            out.writeNumberField("activeStreams", streams.count());
            out.writeEndObject();
        }
    }
}
