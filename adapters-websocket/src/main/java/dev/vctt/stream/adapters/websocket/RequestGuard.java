package dev.vctt.stream.adapters.websocket;

import dev.vctt.stream.adapters.websocket.connection.CanonicalPath;
import dev.vctt.stream.domain.access.Caller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * Stands in front of Tyrus and of Grizzly's handler mapping, and decides every request once. A
 * request whose raw path is not {@linkplain CanonicalPath canonical} is answered 400 here, so that
 * nothing behind (Tyrus matching the decoded path, Grizzly mapping the decoded and normalised one,
 * a handler reading the raw one) can read it as something else, or fail on it with a 500. Every
 * WebSocket upgrade is then decided by the {@link HandshakePolicy}. Tyrus can only refuse from inside its configurator by setting a status on a response
 * it then writes as "403 Switching Protocols" with no length and the connection left open, so
 * clients hang; this filter answers a refusal as a complete HTTP response (any status, 401
 * included) and closes the connection.
 *
 * <p>Once a connection is upgraded, Grizzly hands every later read (the WebSocket frames) down the
 * same chain with the same upgrade request as its header, so the decision is marked on the request
 * and later reads pass straight through: the handshake is decided once, never again per frame.
 *
 * <p>The caller authenticated for {@code /stream} reaches Tyrus's configurator through a one-time
 * ticket in the {@link #TICKET_HEADER} header, set here after removing any the client sent: the
 * configurator only sees the request's headers, and a second key check there would be a second
 * database read, and a second decision that could differ from this one.
 */
final class RequestGuard extends BaseFilter {

    /** The header that carries a handshake's ticket from this filter to the endpoint's configurator. */
    static final String TICKET_HEADER = "X-Vctt-Handshake-Ticket";

    private static final String DECIDED = RequestGuard.class.getName() + ".decided";

    private final HandshakePolicy policy;
    private final Tickets tickets;

    RequestGuard(HandshakePolicy policy, Tickets tickets) {
        this.policy = policy;
        this.tickets = tickets;
    }

    /** Callers authenticated by the guard, waiting for their connection's configurator to take them. */
    static final class Tickets {

        private final Map<String, Caller> waiting = new ConcurrentHashMap<>();

        String issue(Caller caller) {
            String ticket = UUID.randomUUID().toString();
            waiting.put(ticket, caller);
            return ticket;
        }

        /** The caller of a ticket, once: a ticket cannot be used twice. */
        Optional<Caller> redeem(String ticket) {
            return ticket == null ? Optional.empty() : Optional.ofNullable(waiting.remove(ticket));
        }
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Object message = ctx.getMessage();
        if (!(message instanceof HttpContent content) || !(content.getHttpHeader() instanceof HttpRequestPacket request)
                || request.getAttribute(DECIDED) != null) {
            return ctx.getInvokeAction();
        }
        request.setAttribute(DECIDED, Boolean.TRUE);
        request.getHeaders().removeHeader(TICKET_HEADER);
        if (!CanonicalPath.isCanonical(request.getRequestURI())) {
            refuse(ctx, request, policy.notCanonical());
            return ctx.getStopAction();
        }
        if (!"websocket".equalsIgnoreCase(request.getUpgrade())) {
            return ctx.getInvokeAction();
        }
        switch (policy.decide(handshake(request))) {
            case HandshakePolicy.Decision.Proceed proceed -> {
                proceed.caller().ifPresent(caller -> {
                    String ticket = tickets.issue(caller);
                    request.addHeader(TICKET_HEADER, ticket);
                    // a handshake Tyrus then fails never reaches the configurator: its ticket goes with its connection
                    ctx.getConnection().addCloseListener((closeable, type) -> tickets.redeem(ticket));
                });
                return ctx.getInvokeAction();
            }
            case HandshakePolicy.Decision.Refuse refusal -> {
                refuse(ctx, request, refusal);
                return ctx.getStopAction();
            }
        }
    }

    private static HandshakePolicy.Handshake handshake(HttpRequestPacket request) {
        return new HandshakePolicy.Handshake(request.getRequestURI(), request.getQueryString(),
                Optional.ofNullable(request.getHeader("Origin")), Optional.ofNullable(request.getHeader("Host")),
                Optional.ofNullable(request.getHeader("Authorization")));
    }

    private static void refuse(FilterChainContext ctx, HttpRequestPacket request, HandshakePolicy.Decision.Refuse refusal) {
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

    /** Puts the guard in front of Tyrus's filter (and so of the HTTP handlers); register it after Tyrus's add-on. */
    static AddOn addOn(HandshakePolicy policy, Tickets tickets) {
        return new AddOn() {
            @Override
            public void setup(NetworkListener listener, FilterChainBuilder chain) {
                int tyrus = chain.indexOfType(GrizzlyServerFilter.class);
                if (tyrus < 0) {
                    throw new IllegalStateException("the WebSocket add-on must be registered before the handshake guard");
                }
                chain.add(tyrus, new RequestGuard(policy, tickets));
            }
        };
    }
}
