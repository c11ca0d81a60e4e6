package dev.vctt.stream.adapters.websocket;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.Connections;
import dev.vctt.stream.adapters.websocket.connection.PresentedKey;
import dev.vctt.stream.adapters.websocket.connection.StreamingUseCases;
import dev.vctt.stream.adapters.websocket.http.ApiHandler;
import dev.vctt.stream.adapters.websocket.http.DocumentHandler;
import dev.vctt.stream.adapters.websocket.http.HealthHandler;
import dev.vctt.stream.adapters.websocket.http.HttpUseCases;
import dev.vctt.stream.adapters.websocket.http.MetricsHandler;
import dev.vctt.stream.adapters.websocket.http.ServedDocument;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.adapters.websocket.nativeprotocol.NativeStreamEndpoint;
import dev.vctt.stream.adapters.websocket.socketio.SocketIoProtocol;
import dev.vctt.stream.adapters.websocket.socketio.SocketIoStreamEndpoint;
import dev.vctt.stream.application.port.in.AuthOutcome;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server: one Grizzly listener carrying the WebSocket endpoints (through Tyrus): the native
 * protocol at {@code /stream} and the Socket.IO-compatible one at {@code /socket.io/}; and the HTTP
 * handlers: {@code /health}, the test client page at {@code /}, and the documents of the settings.
 * It copies the settings Tyrus's own container applies that a self-built server would otherwise
 * miss: worker-thread I/O (so no handler runs on a selector thread) and no keep-alive idle timeout
 * (Grizzly's default 30 s would drop quiet WebSockets).
 */
public final class WebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);

    private final WebServerSettings settings;
    private final HttpServer http = new HttpServer();
    private final NetworkListener listener;
    private final TyrusContainer container;
    private final Connections connections = new Connections();
    private final ExecutorService work = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ws-work-", 0).factory());
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ws-heartbeat").daemon().factory());
    private final InstantSource clock;
    private final SocketIoProtocol socketIo;

    public WebServer(WebServerSettings settings, StreamingUseCases useCases, HttpUseCases api,
                     MicrometerStreamMetrics metrics, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
        // a shared lock-free buffer pool: the default per-thread pool is wasted on short-lived virtual threads
        var json = new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build());
        var origins = new OriginPolicy(settings.allowedOrigins());

        listener = new NetworkListener("vctt", settings.host(), settings.port());
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        listener.getTransport().setReadBufferSize(TyrusContainer.READ_CHUNK_BYTES);
        http.addListener(listener);

        container = new TyrusContainer(settings.limits());
        container.setDefaultMaxTextMessageBufferSize(settings.limits().transportFrameBytes());
        container.setDefaultMaxBinaryMessageBufferSize(4096);
        container.setDefaultMaxSessionIdleTimeout(0);
        try {
            container.register(ServerEndpointConfig.Builder.create(NativeStreamEndpoint.class, "/stream")
                    .configurator(new ServerEndpointConfig.Configurator() {
                        @Override
                        public <T> T getEndpointInstance(Class<T> type) {
                            return type.cast(new NativeStreamEndpoint(json, useCases, settings.limits(), connections,
                                    work, clock));
                        }

                        @Override
                        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request,
                                                    HandshakeResponse response) {
                            // the guard has already refused clients that fail; this records who the others are
                            if (authenticate(useCases, request) instanceof AuthOutcome.Authenticated ok) {
                                config.getUserProperties().put(NativeStreamEndpoint.CALLER, ok.caller());
                            }
                        }
                    })
                    .build());
            socketIo = new SocketIoProtocol(json, useCases, settings.limits(), settings.socketIo(), connections, work,
                    clock);
            for (String path : SocketIoProtocol.PATHS) {
                container.register(ServerEndpointConfig.Builder.create(SocketIoStreamEndpoint.class, path)
                        .configurator(new ServerEndpointConfig.Configurator() {
                            @Override
                            public <T> T getEndpointInstance(Class<T> type) {
                                return type.cast(socketIo.newEndpoint());
                            }

                            @Override
                            public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request,
                                                        HandshakeResponse response) {
                                // Socket.IO authenticates at CONNECT; a header key is kept for then
                                String authorization = firstHeader(request, "Authorization");
                                if (authorization != null) {
                                    config.getUserProperties().put(SocketIoStreamEndpoint.AUTHORIZATION, authorization);
                                }
                            }
                        })
                        .build());
            }
        } catch (DeploymentException e) {
            throw new IllegalStateException("cannot register the WebSocket endpoints", e);
        }
        container.doneDeployment();
        listener.registerAddOn(new WebSocketAddOn(container, ""));
        listener.registerAddOn(HandshakeGuard.addOn(request -> {
            String origin = request.getHeader("Origin");
            if (!origins.allows(origin, request.getHeader("Host"))) {
                log.info("refused a WebSocket handshake from origin {}", origin);
                return Optional.of(new HandshakeGuard.Refusal(403, "Forbidden",
                        "{\"error\":\"this origin may not connect\",\"code\":\"FORBIDDEN_ORIGIN\"}"));
            }
            if (SocketIoProtocol.handles(request.getRequestURI())) {
                return socketIo.handshakeRefusal(request.getQueryString())
                        .map(json400 -> new HandshakeGuard.Refusal(400, "Bad Request", json400));
            }
            if (!request.getRequestURI().startsWith("/stream")) {
                return Optional.empty();
            }
            var presented = PresentedKey.from(request.getHeader("Authorization"),
                    PresentedKey.tokenParameter(request.getQueryString()));
            if (useCases.authenticate().authenticate(presented) instanceof AuthOutcome.Refused refused) {
                return Optional.of(new HandshakeGuard.Refusal(401, "Unauthorized",
                        "{\"error\":\"" + refused.reason().replace("\"", "'") + "\",\"code\":\"UNAUTHORIZED\"}"));
            }
            return Optional.empty();
        }));

        var server = http.getServerConfiguration();
        server.addHttpHandler(new HealthHandler(json, api.health(), connections::count), "/health");
        server.addHttpHandler(new ApiHandler(json, api, clock), "/api/*");
        server.addHttpHandler(new MetricsHandler(metrics::scrape), "/metrics");
        server.addHttpHandler(socketIo.httpHandler(), "/socket.io/*");
        var documents = new ArrayList<ServedDocument>(DocumentHandler.page());
        documents.addAll(settings.documents());
        server.addHttpHandler(new DocumentHandler(documents), "/");
        metrics.gauge("vctt.connections", "Open WebSocket connections", connections, Connections::count);
        metrics.gauge("vctt.streams.active", "Streams running now", useCases.count(), count -> count.count());
    }

    private static AuthOutcome authenticate(StreamingUseCases useCases, HandshakeRequest request) {
        List<String> tokens = request.getParameterMap().get("token");
        return useCases.authenticate().authenticate(PresentedKey.from(
                firstHeader(request, "Authorization"), tokens == null || tokens.isEmpty() ? null : tokens.getFirst()));
    }

    private static String firstHeader(HandshakeRequest request, String name) {
        return request.getHeaders().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .flatMap(h -> h.getValue().stream()).findFirst().orElse(null);
    }

    public void start() {
        try {
            http.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port(), e);
        }
        long every = settings.heartbeat().toMillis();
        heartbeats.scheduleAtFixedRate(() -> connections.heartbeat(clock.instant(), settings.heartbeat()), every, every,
                TimeUnit.MILLISECONDS);
        log.info("listening on http://{}:{} (WebSocket /stream and Socket.IO /socket.io/ namespace /stream; "
                + "GET / test page, GET /health)", settings.host(), port());
    }

    /** The port listened on; the actual one when the settings asked for any free port (0). */
    public int port() {
        return listener.getPort();
    }

    public int connections() {
        return connections.count();
    }

    /** Closes every connection (their streams are cancelled), then stops listening. */
    @Override
    public void close() {
        heartbeats.shutdownNow();
        connections.closeAll();
        socketIo.close();
        try {
            http.shutdown(5, TimeUnit.SECONDS).get(6, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("the HTTP server did not stop in time; stopping it now", e);
            http.shutdownNow();
        }
        container.stop();
        work.shutdownNow();
    }
}
