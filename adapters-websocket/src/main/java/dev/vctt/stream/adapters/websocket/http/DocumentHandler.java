package dev.vctt.stream.adapters.websocket.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Serves a fixed set of documents held in memory, by exact path: the test client page and its
 * script and style, the protocol description. Anything else under the mapping is a 404. The page is
 * plain files (no build step), kept under this package's resources.
 */
public final class DocumentHandler extends HttpHandler {

    private static final String PAGE = "dev/vctt/stream/adapters/websocket/http/page/";

    /** Same-origin only; the page's script talks to the server's own WebSocket. */
    private static final String PAGE_POLICY = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
            + "frame-ancestors 'none'";

    private final Map<String, byte[]> bodies = new LinkedHashMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    public DocumentHandler(List<ServedDocument> documents) {
        for (ServedDocument document : documents) {
            bodies.put(document.path(), document.content().getBytes(StandardCharsets.UTF_8));
            types.put(document.path(), document.contentType());
        }
    }

    /** The test client page: {@code GET /} and the files it loads. */
    public static List<ServedDocument> page() {
        ClassLoader loader = DocumentHandler.class.getClassLoader();
        return List.of(
                ServedDocument.fromClasspath("/", "text/html; charset=utf-8", loader, PAGE + "index.html"),
                ServedDocument.fromClasspath("/client.js", "text/javascript; charset=utf-8", loader, PAGE + "client.js"),
                ServedDocument.fromClasspath("/client.css", "text/css; charset=utf-8", loader, PAGE + "client.css"));
    }

    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    /** The analytics page, {@code GET /analytics}, its script and style, and uPlot from its WebJar. */
    public static List<ServedDocument> analytics() {
        ClassLoader loader = DocumentHandler.class.getClassLoader();
        return List.of(
                ServedDocument.fromClasspath("/analytics", "text/html; charset=utf-8", loader, PAGE + "analytics.html"),
                ServedDocument.fromClasspath("/analytics.js", "text/javascript; charset=utf-8", loader, PAGE + "analytics.js"),
                ServedDocument.fromClasspath("/analytics.css", "text/css; charset=utf-8", loader, PAGE + "analytics.css"),
                ServedDocument.fromClasspath("/vendor/uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8", loader,
                        UPLOT + "uPlot.iife.min.js"),
                ServedDocument.fromClasspath("/vendor/uplot/uPlot.min.css", "text/css; charset=utf-8", loader,
                        UPLOT + "uPlot.min.css"));
    }

    @Override
    public void service(Request request, Response response) throws IOException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-cache");
        String path = request.getRequestURI();
        byte[] body = bodies.get(path.equals("/index.html") ? "/" : path);
        if (body == null) {
            plain(response, 404, "Not Found", "{\"error\":\"no document at this path\",\"code\":\"NOT_FOUND\"}");
            return;
        }
        Method method = request.getMethod();
        if (method != Method.GET && method != Method.HEAD) {
            response.setHeader("Allow", "GET, HEAD");
            plain(response, 405, "Method Not Allowed", "{\"error\":\"only GET\",\"code\":\"METHOD_NOT_ALLOWED\"}");
            return;
        }
        String type = types.get(path.equals("/index.html") ? "/" : path);
        if (type.startsWith("text/html")) {
            response.setHeader("Content-Security-Policy", PAGE_POLICY);
            response.setHeader("X-Frame-Options", "DENY");
        }
        response.setContentType(type);
        response.setContentLength(body.length);
        if (method == Method.GET) {
            response.getOutputStream().write(body);
        }
    }

    private static void plain(Response response, int status, String reason, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status, reason);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
