package dev.vctt.stream.adapters.websocket.socketio;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Plain HTTP requests to {@code /socket.io/}: this server has no long-polling transport, so every
 * one gets the Engine.IO error a refused transport gets from the reference server, e.g. HTTP 400
 * {@code {"code":0,"message":"Transport unknown"}} for {@code ?EIO=4&transport=polling}.
 */
final class EngineIoHttpHandler extends HttpHandler {

    private final ObjectMapper json;

    EngineIoHttpHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void service(Request request, Response response) throws IOException {
        EngineIoError error = EngineIoHandshake.check(request.getQueryString(), false).orElse(EngineIoError.BAD_REQUEST);
        byte[] body = error.json(json).getBytes(StandardCharsets.UTF_8);
        response.setStatus(400, "Bad Request");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
