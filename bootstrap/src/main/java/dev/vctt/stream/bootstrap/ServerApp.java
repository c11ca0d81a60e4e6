package dev.vctt.stream.bootstrap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.mcp.McpServerSpec;
import dev.vctt.stream.adapters.mcp.McpToolExecutor;
import dev.vctt.stream.application.port.out.ToolExecutor;
import dev.vctt.stream.application.service.NoTools;
import dev.vctt.stream.application.service.ToolSettings;
import java.util.stream.Collectors;
import dev.vctt.stream.adapters.llm.demo.DemoLlmProvider;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.StreamWatchdog;
import dev.vctt.stream.adapters.llm.tokens.JtokkitTokenizer;
import dev.vctt.stream.adapters.persistence.JdbcWriter;
import dev.vctt.stream.adapters.persistence.apikey.JdbcApiKeyStore;
import dev.vctt.stream.adapters.persistence.band.JdbcBandStore;
import dev.vctt.stream.adapters.persistence.chunk.JdbcChunkLog;
import dev.vctt.stream.adapters.persistence.ledger.JdbcSpendLedger;
import dev.vctt.stream.adapters.persistence.session.JdbcSessionStore;
import dev.vctt.stream.adapters.persistence.session.JdbcStreamLeases;
import dev.vctt.stream.adapters.persistence.signal.PgClusterSignals;
import dev.vctt.stream.adapters.websocket.WebServer;
import dev.vctt.stream.adapters.websocket.WebServerSettings;
import dev.vctt.stream.adapters.websocket.connection.StreamingUseCases;
import dev.vctt.stream.adapters.websocket.http.HttpUseCases;
import dev.vctt.stream.adapters.websocket.http.ServedDocument;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.service.ActiveBands;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.service.BudgetSettings;
import dev.vctt.stream.application.service.CancelBandService;
import dev.vctt.stream.application.service.CancelStreamService;
import dev.vctt.stream.application.service.ConnectClientService;
import dev.vctt.stream.application.service.ChunkLogFlusher;
import dev.vctt.stream.application.service.ClusterCancels;
import dev.vctt.stream.application.service.CheckHealthService;
import dev.vctt.stream.application.service.CountActiveStreamsService;
import dev.vctt.stream.application.service.LiveKeys;
import dev.vctt.stream.application.service.NodeHeartbeat;
import dev.vctt.stream.application.service.ProgressRecorder;
import dev.vctt.stream.application.service.QuerySessionsService;
import dev.vctt.stream.application.service.QueryBandsService;
import dev.vctt.stream.application.service.QueryStatsService;
import dev.vctt.stream.application.service.RecoverSessionsService;
import dev.vctt.stream.application.service.RemoteTails;
import dev.vctt.stream.application.service.ResumeStreamService;
import dev.vctt.stream.application.service.StartBandService;
import dev.vctt.stream.application.service.StartStreamService;
import dev.vctt.stream.application.service.StreamDependencies;
import dev.vctt.stream.application.service.SwitchableStartBandService;
import dev.vctt.stream.application.service.SwitchableStartService;
import dev.vctt.stream.domain.band.BandPolicy;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import io.micrometer.core.instrument.FunctionCounter;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server, built with plain constructors in one readable place. Closing it shuts down in
 * reverse order: connections (their streams cancelled and recorded), the listener, timers, provider
 * clients, then the database once every record is written.
 */
public final class ServerApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerApp.class);
    private static final Duration STREAMS_END_WITHIN = Duration.ofSeconds(5);
    private static final Duration AUTH_FAILURE_LOG_EVERY = Duration.ofMinutes(1);
    private static final Duration MCP_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration MCP_PING_EVERY = Duration.ofSeconds(2);

    /** Where the docs module packages the protocol description. */
    static final String ASYNCAPI_RESOURCE = "dev/vctt/stream/docs/asyncapi.yaml";

    private final Deque<AutoCloseable> closeInReverse;
    private final AppConfig config;
    private final WebServer web;
    private final CancelStreamService cancels;
    private final CancelBandService cancelBands;
    private final CountActiveStreamsService streams;
    private final ProgressRecorder progress;
    private final LiveKeys liveKeys;
    private final ChunkLogFlusher chunkFlusher;
    private final NodeHeartbeat heartbeat;
    private final EndpointHealth health;
    private final java.util.function.Function<AppConfig, StartStreamService> startFor;
    private final SwitchableStartService start;
    private final java.util.function.Function<AppConfig, StartBandService> startBandFor;
    private final SwitchableStartBandService startBand;
    /** The settings new streams start with; a reload replaces it, streams in flight keep theirs. */
    private final AtomicReference<AppConfig> inForce;

    /** @param closeInReverse where what it starts is kept, so a constructor that fails midway can close it */
    private ServerApp(AppConfig config, InstantSource clock, Deque<AutoCloseable> closeInReverse) {
        this.closeInReverse = closeInReverse;
        this.config = config;
        this.inForce = new AtomicReference<>(config);
        Storage storage = closing(Storage.open(config));
        // one server alone on its embedded database takes over everything left running at once; servers
        // sharing one take over only what a node whose lease expired left (see docs/architecture.md)
        var leases = JdbcStreamLeases.join(storage.database.dataSource(), storage.database.heartbeatDataSource(),
                nodeId(config), config.cluster().lease(),
                storage.shared() ? JdbcStreamLeases.Takeover.SHARED : JdbcStreamLeases.Takeover.ALONE);
        storage.onceWritten(leases::leave);
        var sessions = new JdbcSessionStore(storage.database.dataSource(), storage.writer, leases.token());
        var bandStore = new JdbcBandStore(storage.database.dataSource(), storage.writer, leases.token());
        var ledger = new JdbcSpendLedger(storage.database.dataSource(), storage.writer);
        var keys = new JdbcApiKeyStore(storage.database.dataSource());
        // nodes sharing the database hear each other over LISTEN/NOTIFY: cancels, heads of the chunk log
        Optional<PgClusterSignals> signals = storage.shared()
                ? Optional.of(closing(PgClusterSignals.start(storage.settings, storage.database.dataSource())))
                : Optional.empty();
        var unannounced = new JdbcChunkLog(storage.database.dataSource(), storage.writer, leases.token());
        var chunkLog = signals.map(s -> unannounced.announcingHeadsOn(s.channel())).orElse(unannounced);
        var recovery = new RecoverSessionsService(leases, ledger, config.catalog().prices(), clock);
        recovery.recover();

        var watchdog = closing(new StreamWatchdog(watchdogTick(config.shortestTimeout())));
        var shared = new ProviderFamilies.Shared(watchdog, SseLimits.DEFAULTS, config.defaultMaxTokens());
        Map<ProviderId, LlmProvider> adapters = new LinkedHashMap<>();
        config.endpoints().forEach((id, endpoint) -> adapters.put(id, closingIfCloseable(
                ProviderFamilies.named(endpoint.family()).orElseThrow().factory().create(endpoint, shared))));

        ToolExecutor toolExecutor = config.tools().servers().isEmpty() ? NoTools.INSTANCE
                : closing(new McpToolExecutor(config.tools().servers(), new ObjectMapper(), MCP_CONNECT_TIMEOUT,
                        MCP_PING_EVERY));
        var toolSettings = new ToolSettings(toolExecutor, config.tools().servers().stream()
                .collect(Collectors.toMap(McpServerSpec::name, McpServerSpec::allowedTools)),
                config.tools().maxSteps(), config.tools().callTimeout(), config.tools().resultBytes());

        var scheduler = closing(new VirtualThreadScheduler());
        liveKeys = new LiveKeys(keys, scheduler, config.keyRecheck());
        heartbeat = new NodeHeartbeat(leases, storage.shared() ? Optional.of(recovery) : Optional.empty(),
                closing(new PlatformThreadScheduler("vctt-heartbeat")), clock,
                NodeHeartbeat.periodFor(config.cluster().lease()));
        log.info("node {} (token {}), lease {} ms", leases.node().nodeId(), leases.token(),
                config.cluster().lease().toMillis());
        var active = new ActiveStreams(config.maxStreamsPerConnection(), config.resume().maxEnded());
        var metrics = new MicrometerStreamMetrics();
        FunctionCounter.builder("vctt.store.writes.set.aside", storage.writer, JdbcWriter::setAsideCount)
                .description("Writes the database can never take, kept in its dead_letters table")
                .register(metrics.registry());
        // per node: the streams it owns under its lease, and how far it lags behind the shared database
        var owned = new CountActiveStreamsService(active); // a supplier gauge holds it (a plain one only weakly)
        io.micrometer.core.instrument.Gauge.builder("vctt.node.leases", owned::count)
                .description("Streams this node owns under its lease").tag("node", leases.node().nodeId())
                .register(metrics.registry());
        io.micrometer.core.instrument.Gauge.builder("vctt.node.lag.seconds", heartbeat,
                        beat -> beat.sinceRenewed().toMillis() / 1000.0)
                .description("Time since this node last renewed its lease in the shared database")
                .tag("node", leases.node().nodeId()).register(metrics.registry());
        health = new EndpointHealth(config.endpoints().keySet(), metrics.registry(), clock, AUTH_FAILURE_LOG_EVERY);
        var tokenizer = new JtokkitTokenizer();
        var ids = new RandomIds();
        // what a reload may change (models, routes, prices, budget defaults) is built here; the rest is shared
        java.util.function.Function<AppConfig, StreamDependencies> depsFor = settings -> {
            Map<ProviderId, LlmProvider> providers = new LinkedHashMap<>();
            adapters.forEach((id, adapter) -> providers.put(id,
                    new EndpointProvider(id, adapter, settings.catalog().upstreamIds(id), health)));
            providers.put(Catalog.DEMO, DemoLlmProvider.atTokensPerSecond(settings.demoTokensPerSecond()));
            return new StreamDependencies(providers, settings.catalog().prices(), tokenizer,
                    new FallbackRule(settings.maxRetryWait()), scheduler, sessions, ledger, metrics, clock, active,
                    chunkLog, settings.resume(), toolSettings, settings.smoothing());
        };
        startFor = settings -> new StartStreamService(new RequestPolicy(settings.requestLimits()),
                settings.catalog().routeTable(),
                new BudgetSettings(settings.globalDailyBudget(), settings.keyDailyBudget(), settings.defaultMaxTokens()),
                depsFor.apply(settings), ids, liveKeys);
        var start = new SwitchableStartService(startFor.apply(config));
        this.start = start;
        // bands, like streams, start with the settings in force; the bands running are shared across reloads
        var bands = new ActiveBands();
        var judgeOrder = new SecureRandom();
        startBandFor = settings -> new StartBandService(
                new BandPolicy(new RequestPolicy(settings.requestLimits()), settings.bandLimits()),
                settings.catalog().routeTable(),
                new BudgetSettings(settings.globalDailyBudget(), settings.keyDailyBudget(), settings.defaultMaxTokens()),
                depsFor.apply(settings), ids, liveKeys, bands, bandStore, judgeOrder);
        var startBand = new SwitchableStartBandService(startBandFor.apply(config));
        this.startBand = startBand;
        Optional<ClusterCancels> clusterCancels = signals.map(s -> new ClusterCancels(s, sessions, active, bands,
                bandStore, clock));
        clusterCancels.ifPresent(c -> closing(c.listen()));
        cancels = new CancelStreamService(active, clusterCancels);
        cancelBands = new CancelBandService(bands, clusterCancels);
        Optional<RemoteTails> remoteTails = signals.map(s -> new RemoteTails(s, chunkLog, sessions, scheduler, clock,
                config.resume().flushEvery()));
        remoteTails.ifPresent(r -> closing(r.listen()));
        streams = new CountActiveStreamsService(active);
        progress = new ProgressRecorder(active, sessions, scheduler, clock, config.progressEvery());
        chunkFlusher = new ChunkLogFlusher(active, chunkLog, scheduler, clock, config.resume());
        var authenticate = config.auth() == AppConfig.AuthMode.KEYS
                ? AuthenticateClientService.withKeys(keys, liveKeys) : AuthenticateClientService.open();

        web = new WebServer(new WebServerSettings(config.host(), config.port(), config.connectionLimits(),
                config.allowedOrigins(), config.heartbeat(), config.socketIo(), List.of(
                        ServedDocument.fromClasspath("/docs/asyncapi.yaml", "application/yaml; charset=utf-8",
                                ServerApp.class.getClassLoader(), ASYNCAPI_RESOURCE),
                        new ServedDocument("/page-config.json", "application/json", pageConfig(config)))),
                new StreamingUseCases(authenticate, start, cancels,
                        new ResumeStreamService(active, sessions, chunkLog, clock, config.resume(), liveKeys,
                                remoteTails), streams,
                        new ConnectClientService(active)).withBands(startBand, cancelBands),
                new HttpUseCases(new CheckHealthService(active, sessions, health, toolExecutor, Optional.of(heartbeat)), authenticate, new QuerySessionsService(sessions),
                        new QueryStatsService(sessions, bandStore, keys)).withBands(new QueryBandsService(bandStore)), metrics, clock);
        if (!config.offlineDemo()) {
            warnAboutMissingKeys(config);
        }
        if (config.auth() == AppConfig.AuthMode.OFF) {
            log.info("VCTT_AUTH=off: clients need no API key");
        }
    }

    /** Builds and starts the server; it listens when this returns. */
    public static ServerApp start(AppConfig config, InstantSource clock) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        ServerApp app;
        try {
            app = new ServerApp(config, clock, started);
        } catch (RuntimeException | Error e) {
            // what was started before the failure (the database, timers, clients) must not outlive it
            closeAll(started);
            throw e;
        }
        try {
            app.progress.start();
            app.heartbeat.start();
            app.liveKeys.start();
            app.chunkFlusher.start();
            app.web.start();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        app.announceOfflineDemo();
        return app;
    }

    public int port() {
        return web.port();
    }

    /**
     * Reads the configuration (environment, {@code VCTT_CONFIG}, {@code VCTT_PRICES_FILE}) again and
     * starts new streams and new bands with its models, routes, prices, budget defaults and band
     * limits. Streams and bands in flight keep the chain and prices they started with. A file with a
     * mistake is refused, the error logged and the settings in force kept; so is a change of
     * endpoints, which needs a restart (their HTTP clients and health live as long as the server).
     *
     * @return whether the new settings are in force
     */
    public synchronized boolean reload() {
        AppConfig before = inForce.get();
        AppConfig fresh;
        try {
            fresh = before.reread();
        } catch (ConfigException e) {
            log.error("reload refused, the settings in force stay: {}", e.getMessage());
            return false;
        }
        if (!fresh.endpoints().equals(before.endpoints())) {
            log.error("reload refused, the settings in force stay: the endpoints changed, which takes a restart");
            return false;
        }
        StartStreamService next;
        StartBandService nextBands;
        try {
            next = startFor.apply(fresh);
            nextBands = startBandFor.apply(fresh);
        } catch (RuntimeException e) {
            log.error("reload refused, the settings in force stay: {}", e.getMessage());
            return false;
        }
        start.use(next);
        startBand.use(nextBands);
        inForce.set(fresh);
        log.info("reloaded: {} models, routes {}", fresh.catalog().models().size(), fresh.catalog().routes().entrySet()
                .stream().map(e -> e.getKey().wireName() + "=" + e.getValue()).collect(Collectors.joining(" ")));
        return true;
    }

    /** Whether each endpoint takes our key, for tests and {@code /health}. */
    Map<String, Boolean> endpointHealth() {
        return health.snapshot();
    }

    @Override
    public void close() {
        web.close();
        cancelBands.cancelEverything();
        cancels.cancelEverything();
        awaitStreamsEnded();
        progress.stop();
        liveKeys.stop();
        heartbeat.stop();
        chunkFlusher.flushNow(); // what streams that did not end in time have not handed over yet
        chunkFlusher.stop();
        closeAll(closeInReverse);
        log.info("stopped");
    }

    private static void closeAll(Deque<AutoCloseable> closeInReverse) {
        while (!closeInReverse.isEmpty()) {
            try {
                closeInReverse.pop().close();
            } catch (Exception e) {
                log.warn("closing a component failed", e);
            }
        }
    }

    /** Cancelled streams end on their own threads; their records must be queued before storage closes. */
    private void awaitStreamsEnded() {
        long deadline = System.nanoTime() + STREAMS_END_WITHIN.toNanos();
        while (streams.count() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (streams.count() > 0) {
            log.warn("{} stream(s) did not end within {}", streams.count(), STREAMS_END_WITHIN);
        }
    }

    private void announceOfflineDemo() {
        List<AgentRole> roles = config.catalog().rolesUsing(Catalog.DEMO_MODEL);
        if (config.offlineDemo() && !roles.isEmpty()) {
            log.warn("OFFLINE DEMO: no provider key is set (OPENAI_API_KEY, ANTHROPIC_API_KEY, XAI_API_KEY) and every "
                    + "provider base URL is the public default, so {} answer with the offline 'demo' model "
                    + "(deterministic text, price 0); try it at http://{}:{}/ and set a key for real answers",
                    describe(roles), config.host(), port());
        }
    }

    /** What the test client page needs before anything is sent: whether answers come from the demo model, whether a key is needed. */
    private static String pageConfig(AppConfig config) {
        List<AgentRole> roles = config.catalog().rolesUsing(Catalog.DEMO_MODEL);
        String notice = roles.isEmpty() ? "" : config.offlineDemo()
                ? "Offline demo: no provider key is configured on this server, so " + describe(roles) + " answer with "
                        + "the built-in demo model (deterministic text at a steady pace, price $0). Set OPENAI_API_KEY, "
                        + "ANTHROPIC_API_KEY or XAI_API_KEY and restart the server for real answers."
                : "Requests for " + describe(roles) + " go to the offline demo model (deterministic text, price $0).";
        var page = new LinkedHashMap<String, Object>();
        page.put("offlineDemo", !roles.isEmpty());
        page.put("demoRoles", roles.stream().map(AgentRole::wireName).toList());
        page.put("notice", notice);
        page.put("keyRequired", config.auth() == AppConfig.AuthMode.KEYS);
        try {
            return new ObjectMapper().writeValueAsString(page);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the page configuration", e);
        }
    }

    private static String describe(List<AgentRole> roles) {
        return roles.size() == AgentRole.values().length ? "all agent roles"
                : "the agent roles " + roles.stream().map(AgentRole::wireName).collect(Collectors.joining(", "));
    }

    private static void warnAboutMissingKeys(AppConfig config) {
        config.endpoints().values().forEach(endpoint -> {
            if (endpoint.apiKey().isEmpty() && endpoint.apiKeyVariable().isPresent()) {
                log.warn("{} is not set: requests to {} ({}) go without a key", endpoint.apiKeyVariable().get(),
                        endpoint.name(), endpoint.baseUrl());
            }
        });
    }

    private LlmProvider closingIfCloseable(LlmProvider provider) {
        if (provider instanceof AutoCloseable closeable) {
            closing(closeable);
        }
        return provider;
    }

    private <T extends AutoCloseable> T closing(T component) {
        closeInReverse.push(component);
        return component;
    }

    /** {@code VCTT_NODE_ID}, or a name of this run's own: two servers must never share one by accident. */
    private static String nodeId(AppConfig config) {
        return config.cluster().nodeId().orElseGet(() -> "node-" + java.util.UUID.randomUUID().toString().substring(0, 8));
    }

    /** A quarter of the shortest deadline, between 10 ms and 250 ms. */
    private static Duration watchdogTick(Duration shortest) {
        long quarter = shortest.toMillis() / 4;
        return Duration.ofMillis(Math.max(10, Math.min(250, quarter)));
    }
}
