package dev.vctt.stream.adapters.websocket;

import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import java.util.Set;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * A Tyrus container that does not own an HTTP server: its engine is plugged into our own Grizzly
 * listener (through {@code WebSocketAddOn}), so WebSockets and plain HTTP share one port. Tyrus's
 * stock container creates a private server that can serve no handler of ours.
 */
final class TyrusContainer extends TyrusServerContainer {

    /** The most Grizzly reads from a socket at once (set on the transport by the server). */
    static final int READ_CHUNK_BYTES = 64 * 1024;
    /** A WebSocket frame header: 2 bytes, 8 of extended length, 4 of mask. */
    private static final int MAX_FRAME_HEADER_BYTES = 14;

    private final TyrusWebSocketEngine engine;

    TyrusContainer(ConnectionLimits limits) {
        super(Set.<Class<?>>of());
        this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize(limits)).build();
    }

    /**
     * Tyrus's {@code incomingBufferSize} bounds what it holds between reads, not one frame: the
     * unfinished rest of a frame plus the next read, which may already carry the start of the next
     * frame. Set to the frame limit alone, frames under it sent back to back overflowed it (closed
     * 1011 "Buffer overflow"); so it is the largest frame plus one read. The frame limit itself is
     * enforced by the endpoints, which close a larger frame with 1009.
     */
    static int incomingBufferSize(ConnectionLimits limits) {
        return limits.transportFrameBytes() + MAX_FRAME_HEADER_BYTES + READ_CHUNK_BYTES;
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, "");
    }

    @Override
    public void register(ServerEndpointConfig config) throws DeploymentException {
        engine.register(config, "");
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }
}
