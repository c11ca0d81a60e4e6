package dev.vctt.stream.adapters.websocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;

/**
 * Decides on WebSocket handshakes before Tyrus sees them. Tyrus can only refuse from inside its
 * configurator by setting a status on a response it then writes as "403 Switching Protocols" with
 * no length and the connection left open, so clients hang; this filter answers a refusal as a
 * complete HTTP response (any status, 401 included) and closes the connection.
 */
final class HandshakeGuard extends BaseFilter {

    /** Decides whether a handshake may go on. */
    interface Check {
        Optional<Refusal> check(HttpRequestPacket request);
    }

    /** A handshake refused: the status and a JSON body saying why. */
    record Refusal(int status, String reason, String json) {
    }

    private final Check check;

    HandshakeGuard(Check check) {
        this.check = check;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Object message = ctx.getMessage();
        if (!(message instanceof HttpContent content) || !(content.getHttpHeader() instanceof HttpRequestPacket request)
                || !"websocket".equalsIgnoreCase(request.getUpgrade())) {
            return ctx.getInvokeAction();
        }
        Optional<Refusal> refusal = check.check(request);
        if (refusal.isEmpty()) {
            return ctx.getInvokeAction();
        }
        refuse(ctx, request, refusal.get());
        return ctx.getStopAction();
    }

    private static void refuse(FilterChainContext ctx, HttpRequestPacket request, Refusal refusal) {
        byte[] body = refusal.json().getBytes(StandardCharsets.UTF_8);
        HttpResponsePacket response = request.getResponse();
        response.setProtocol(request.getProtocol());
        response.setStatus(refusal.status());
        response.setReasonPhrase(refusal.reason());
        // into the header map itself: for a response to an upgrade request Grizzly writes only that map
        response.getHeaders().setValue("Content-Type").setString("application/json");
        response.setContentLength(body.length);
        response.setHeader("Connection", "close");
        Buffer buffer = Buffers.wrap(ctx.getMemoryManager(), body);
        Connection<?> connection = ctx.getConnection();
        ctx.write(HttpContent.builder(response).content(buffer).last(true).build(),
                new EmptyCompletionHandler<WriteResult>() {
                    @Override
                    public void completed(WriteResult result) {
                        connection.closeSilently();
                    }

                    @Override
                    public void failed(Throwable error) {
                        connection.closeSilently();
                    }
                });
    }

    /** Puts the guard in front of Tyrus's filter; register it after Tyrus's add-on. */
    static AddOn addOn(Check check) {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder chain) {
                int tyrus = chain.indexOfType(GrizzlyServerFilter.class);
                if (tyrus < 0) {
                    throw new IllegalStateException("the WebSocket add-on must be registered before the handshake guard");
                }
                chain.add(tyrus, new HandshakeGuard(check));
            }
        };
    }
}
