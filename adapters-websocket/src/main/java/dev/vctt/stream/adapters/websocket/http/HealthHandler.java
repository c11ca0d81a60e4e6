package dev.vctt.stream.adapters.websocket.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.application.port.in.CheckHealthUseCase;
import dev.vctt.stream.application.port.ToolServerStatus;
import dev.vctt.stream.application.port.in.HealthReport;
import java.io.IOException;
import java.util.function.IntSupplier;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * {@code GET /health}: liveness and database readiness. Always 200 while the process serves: with the
 * database down streams still run (their records wait), so the status is then {@code degraded}.
 */
public final class HealthHandler extends HttpHandler {

    private final ObjectMapper json;
    private final CheckHealthUseCase health;
    private final IntSupplier connections;

    public HealthHandler(ObjectMapper json, CheckHealthUseCase health, IntSupplier connections) {
        this.json = json;
        this.health = health;
        this.connections = connections;
    }

    @Override
    public void service(Request request, Response response) throws IOException {
        HealthReport report = health.check();
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        try (JsonGenerator out = json.getFactory().createGenerator(response.getWriter())) {
            out.writeStartObject();
            out.writeStringField("status", report.databaseUp() ? "up" : "degraded");
            out.writeStringField("database", report.databaseUp() ? "up" : "down");
            out.writeNumberField("connections", connections.getAsInt());
            out.writeNumberField("activeStreams", report.activeStreams());
            if (report.node().isPresent()) {
                HealthReport.Node node = report.node().get();
                out.writeObjectFieldStart("node");
                out.writeStringField("id", node.nodeId());
                out.writeNumberField("token", node.token());
                out.writeNumberField("leasesHeld", node.leasesHeld());
                out.writeNumberField("lagMs", node.lagMillis());
                out.writeEndObject();
            }
            if (!report.endpoints().isEmpty()) {
                out.writeObjectFieldStart("endpoints");
                for (var endpoint : report.endpoints().entrySet()) {
                    out.writeStringField(endpoint.getKey(), endpoint.getValue() ? "up" : "unhealthy");
                }
                out.writeEndObject();
            }
            out.writeArrayFieldStart("mcpServers");
            for (ToolServerStatus server : report.toolServers()) {
                out.writeStartObject();
                out.writeStringField("name", server.name());
                out.writeStringField("transport", server.transport());
                out.writeStringField("status", server.up() ? "up" : "down");
                out.writeNumberField("tools", server.tools());
                out.writeNumberField("restarts", server.restarts());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
    }
}
