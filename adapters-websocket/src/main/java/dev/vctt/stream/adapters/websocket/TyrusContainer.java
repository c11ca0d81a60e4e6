package dev.vctt.stream.adapters.websocket;

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

    private final TyrusWebSocketEngine engine;

    TyrusContainer(int incomingBufferSize) {
        super(Set.<Class<?>>of());
        this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build();
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
