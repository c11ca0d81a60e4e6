package dev.vctt.stream.adapters.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A transport that remembers the JSON-RPC id of each {@code tools/call} it sends, keyed by the
 * progress token the call carries, so that a stopped call can be cancelled at the server: the SDK
 * (2.1.0) neither sends nor exposes {@code notifications/cancelled}, so it is written here.
 */
final class CancellableTransport implements McpClientTransport {

    private final McpClientTransport delegate;
    private final Map<String, Object> requestIds = new ConcurrentHashMap<>();
    /** Calls stopped before they were sent (the SDK sends on its own thread): cancelled as soon as they go. */
    private final Map<String, String> stoppedEarly = new ConcurrentHashMap<>();

    CancellableTransport(McpClientTransport delegate) {
        this.delegate = delegate;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return delegate.connect(handler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        delegate.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request && McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
            Optional<String> token = tokenOf(request.params());
            String reason = token.map(stoppedEarly::remove).orElse(null);
            if (reason != null) {
                return delegate.sendMessage(message).then(delegate.sendMessage(cancelled(request.id(), reason)));
            }
            token.ifPresent(t -> requestIds.put(t, request.id()));
        }
        return delegate.sendMessage(message);
    }

    private static McpSchema.JSONRPCNotification cancelled(Object id, String reason) {
        return new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, "notifications/cancelled",
                Map.of("requestId", id, "reason", reason));
    }

    /** Tells the server to stop the call that carried {@code token}: now if it was sent, else as it is sent. */
    void cancel(String token, String reason) {
        Object id = requestIds.remove(token);
        if (id != null) {
            delegate.sendMessage(cancelled(id, reason)).onErrorResume(e -> Mono.empty()).subscribe();
        } else {
            stoppedEarly.put(token, reason);
        }
    }

    void forget(String token) {
        requestIds.remove(token);
        stoppedEarly.remove(token);
    }

    private static Optional<String> tokenOf(Object params) {
        Map<String, Object> meta = switch (params) {
            case McpSchema.CallToolRequest call -> call.meta();
            case Map<?, ?> map when map.get("_meta") instanceof Map<?, ?> m -> castMeta(m);
            case null, default -> null;
        };
        return meta == null || meta.get("progressToken") == null ? Optional.empty()
                : Optional.of(String.valueOf(meta.get("progressToken")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMeta(Map<?, ?> meta) {
        return (Map<String, Object>) meta;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return delegate.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }
}
