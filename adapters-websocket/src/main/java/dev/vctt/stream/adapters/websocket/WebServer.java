package dev.vctt.stream.adapters.websocket;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.Connections;
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
import jakarta.websocket.DeploymentException;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server: one Grizzly listener carrying the WebSocket endpoints (through Tyrus): the native
 * protocol at {@code /stream} and the Socket.IO-compatible one at {@code /socket.io/}; and the HTTP
 * handlers: {@code /health}, {@code /api/*}, {@code /metrics}, the test client page at {@code /}, and
 * the documents of the settings. Every WebSocket handshake is decided by {@link HandshakePolicy}.
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
    private final RequestGuard.Tickets tickets = new RequestGuard.Tickets();

    public WebServer(WebServerSettings settings, StreamingUseCases useCases, HttpUseCases api,
                     MicrometerStreamMetrics metrics, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
        // a shared lock-free buffer pool: the default per-thread pool is wasted on short-lived virtual threads
        var json = new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build());
        socketIo = new SocketIoProtocol(json, useCases, settings.limits(), settings.socketIo(), connections, work, clock);
        container = deploy(json, useCases);

        listener = new NetworkListener("vctt", settings.host(), settings.port());
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        listener.getTransport().setReadBufferSize(TyrusContainer.READ_CHUNK_BYTES);
        listener.registerAddOn(new WebSocketAddOn(container, ""));
        listener.registerAddOn(RequestGuard.addOn(new HandshakePolicy(new OriginPolicy(settings.allowedOrigins()),
                useCases.authenticate(), socketIo, json), tickets));
        http.addListener(listener);
        addHttpHandlers(json, api, metrics);
        metrics.gauge("vctt.connections", "Open WebSocket connections", connections, Connections::count);
        metrics.gauge("vctt.streams.active", "Streams running now", useCases.count(), count -> count.count());
    }

    /** The two WebSocket endpoints, at the paths {@link HandshakePolicy} lets through and nowhere else. */
    static final long NO_IDLE_TIMEOUT = -1;

    private TyrusContainer deploy(ObjectMapper json, StreamingUseCases useCases) {
        var tyrus = new TyrusContainer(settings.limits());
        tyrus.setDefaultMaxTextMessageBufferSize(settings.limits().transportFrameBytes());
        tyrus.setDefaultMaxBinaryMessageBufferSize(4096);
        // No idle timeout, said as -1: Tyrus 2.2 takes 0 as "schedule the idle check now", so with 0
        // every send and every received frame put a no-op task on its timer pool and woke one of
        // its threads (about one context switch and 40 µs CPU per chunk at 100 paced streams).
        tyrus.setDefaultMaxSessionIdleTimeout(NO_IDLE_TIMEOUT);
        try {
            tyrus.register(ServerEndpointConfig.Builder.create(NativeStreamEndpoint.class, NativeStreamEndpoint.PATH)
                    .configurator(new NativeConfigurator(() -> new NativeStreamEndpoint(json, useCases, settings.limits(),
                            connections, work, clock), tickets))
                    .build());
            for (String path : SocketIoProtocol.PATHS) {
                tyrus.register(ServerEndpointConfig.Builder.create(SocketIoStreamEndpoint.class, path)
                        .configurator(new SocketIoConfigurator(socketIo)).build());
            }
        } catch (DeploymentException e) {
            throw new IllegalStateException("cannot register the WebSocket endpoints", e);
        }
        tyrus.doneDeployment();
        return tyrus;
    }

    private void addHttpHandlers(ObjectMapper json, HttpUseCases api, MicrometerStreamMetrics metrics) {
        var server = http.getServerConfiguration();
        server.addHttpHandler(new HealthHandler(json, api.health(), connections::count), "/health");
        server.addHttpHandler(new ApiHandler(json, api, clock), "/api/*");
        server.addHttpHandler(new MetricsHandler(metrics::scrape), "/metrics");
        server.addHttpHandler(socketIo.httpHandler(), "/socket.io/*");
        var documents = new ArrayList<ServedDocument>(DocumentHandler.page());
        documents.addAll(DocumentHandler.analytics());
        documents.addAll(settings.documents());
        server.addHttpHandler(new DocumentHandler(documents), "/");
    }

    /** Hands each native connection its endpoint and the caller the guard authenticated for it. */
    private static final class NativeConfigurator extends ServerEndpointConfig.Configurator {

        private final Supplier<NativeStreamEndpoint> endpoints;
        private final RequestGuard.Tickets tickets;

        NativeConfigurator(Supplier<NativeStreamEndpoint> endpoints, RequestGuard.Tickets tickets) {
            this.endpoints = endpoints;
            this.tickets = tickets;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> type) {
            return type.cast(endpoints.get());
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            tickets.redeem(firstHeader(request, RequestGuard.TICKET_HEADER))
                    .ifPresent(caller -> config.getUserProperties().put(NativeStreamEndpoint.CALLER, caller));
        }
    }

    /** Socket.IO authenticates at CONNECT; a key sent as a header at the handshake is kept for then. */
    private static final class SocketIoConfigurator extends ServerEndpointConfig.Configurator {

        private final SocketIoProtocol socketIo;

        SocketIoConfigurator(SocketIoProtocol socketIo) {
            this.socketIo = socketIo;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> type) {
            return type.cast(socketIo.newEndpoint());
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            String authorization = firstHeader(request, "Authorization");
            if (authorization != null) {
                config.getUserProperties().put(SocketIoStreamEndpoint.AUTHORIZATION, authorization);
            }
        }
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

    /** Closes every connection (the server cancels its streams itself at shutdown), then stops listening. */
    @Override
    public void close() {
        heartbeats.shutdownNow();
        connections.closeAll();
        socketIo.close();
        try {
            http.shutdown(5, TimeUnit.SECONDS).get(6, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("the HTTP server did not stop in time; stopping it now", e);
        }
        // the graceful shutdown leaves the server's delayed-task thread running, and with it everything
        // its tasks reach (handlers, use cases, the whole application): stopping it now frees them
        http.shutdownNow();
        container.stop();
        work.shutdownNow();
    }
}
