package dev.vctt.stream.bootstrap;

import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.socketio.SocketIoSettings;
import dev.vctt.stream.adapters.mcp.McpServerSpec;
import dev.vctt.stream.application.service.ResumeSettings;
import dev.vctt.stream.application.service.SmoothSettings;
import dev.vctt.stream.application.service.ToolSettings;
import dev.vctt.stream.domain.band.BandLimits;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.smoothing.Smoothing;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the server is configured with, read from environment variables (PRODUCT.md
 * "Configuration", plus the limits and timeouts documented in the README). A bad value stops
 * start-up with one line naming the variable.
 */
public record AppConfig(
        String host,
        int port,
        Map<ProviderId, Endpoint> endpoints,
        Path dataDir,
        List<String> allowedOrigins,
        AuthMode auth,
        Duration keyRecheck,
        RequestLimits requestLimits,
        ConnectionLimits connectionLimits,
        int maxStreamsPerConnection,
        Duration maxRetryWait,
        Duration heartbeat,
        int defaultMaxTokens,
        Catalog catalog,
        Optional<ExternalDatabase> database,
        String databaseSchema,
        int databasePoolSize,
        Optional<Usd> globalDailyBudget,
        Optional<Usd> keyDailyBudget,
        Duration progressEvery,
        int writeBacklog,
        Duration writeGather,
        SocketIoSettings socketIo,
        int demoTokensPerSecond,
        ResumeSettings resume,
        Source source,
        ToolConfig tools,
        SmoothSettings smoothing,
        BandLimits bandLimits,
        ClusterConfig cluster,
        int warmupStreams) {

    /** The most members a band may be configured to allow (each is a stream of its connection). */
    static final int MAX_BAND_MEMBERS = 100;
    /** The longest member timeout a band may be configured to allow. */
    static final int MAX_BAND_MEMBER_TIMEOUT_MS = 24 * 60 * 60 * 1000;

    /**
     * This server as one node among several on one database: its name ({@code VCTT_NODE_ID}; without
     * one, a name of its own for this run) and how long its lease over its streams lasts without a
     * renewal ({@code VCTT_LEASE_MS}).
     */
    public record ClusterConfig(Optional<String> nodeId, Duration lease) {
        public ClusterConfig {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(lease, "lease");
        }
    }

    /** The MCP servers and the tool loop's limits. */
    public record ToolConfig(List<McpServerSpec> servers, int maxSteps, Duration callTimeout, int resultBytes) {
        public ToolConfig {
            servers = List.copyOf(servers);
            Objects.requireNonNull(callTimeout, "callTimeout");
        }
    }

    /**
     * The endpoints known without a configuration file, with the prefix of their environment
     * variables ({@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY}, {@code OPENAI_CONNECT_TIMEOUT_MS}, …),
     * which win over the file for the endpoint of that name.
     */
    static final Map<ProviderId, String> BUILT_IN_ENDPOINTS = builtIns();

    private static Map<ProviderId, String> builtIns() {
        var endpoints = new LinkedHashMap<ProviderId, String>();
        endpoints.put(ProviderId.OPENAI, "OPENAI");
        endpoints.put(ProviderId.ANTHROPIC, "ANTHROPIC");
        endpoints.put(ProviderId.XAI, "XAI");
        return Collections.unmodifiableMap(endpoints);
    }

    /** Where the settings came from, to read them again on reload; its toString names no value (keys are in it). */
    public record Source(Map<String, String> environment) {
        public Source {
            environment = Map.copyOf(environment);
        }

        @Override
        public String toString() {
            return "Source[" + environment.size() + " variables]";
        }
    }

    /** A PostgreSQL server given by {@code DATABASE_URL}; without one the server embeds its own. */
    public record ExternalDatabase(String url, String user, String password) {
        public ExternalDatabase {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "ExternalDatabase[url=" + url + ", user=" + user + "]";
        }
    }

    /** Whether clients must present an API key. */
    public enum AuthMode { OFF, KEYS }

    public AppConfig {
        Objects.requireNonNull(host, "host");
        allowedOrigins = List.copyOf(allowedOrigins);
        endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
        Objects.requireNonNull(source, "source");
    }

    /** The endpoint of that name; fails when there is none. */
    Endpoint endpoint(String name) {
        Endpoint endpoint = endpoints.get(ProviderId.of(name));
        if (endpoint == null) {
            throw new IllegalArgumentException("no endpoint named " + name);
        }
        return endpoint;
    }

    /** Reads every setting again from the same environment and files (for a reload). */
    public AppConfig reread() {
        return fromEnv(source.environment());
    }

    public static AppConfig fromEnv(Map<String, String> environment) {
        var env = new Env(environment);
        var defaults = new ProviderTimeouts(
                env.millis("VCTT_CONNECT_TIMEOUT_MS", ProviderTimeouts.DEFAULTS.connect()),
                env.millis("VCTT_FIRST_TOKEN_TIMEOUT_MS", ProviderTimeouts.DEFAULTS.firstToken()),
                env.millis("VCTT_IDLE_TIMEOUT_MS", ProviderTimeouts.DEFAULTS.idle()));
        RequestLimits limits = RequestLimits.DEFAULTS;
        ConnectionLimits connection = ConnectionLimits.DEFAULTS;
        SocketIoSettings socketIo = SocketIoSettings.DEFAULTS;
        Providers providers = providers(env, environment, defaults);
        return new AppConfig(
                env.text("VCTT_HOST", "127.0.0.1"),
                env.integer("PORT", 3000, 0, 65_535),
                providers.endpoints(),
                env.path("VCTT_DATA_DIR", "./data"),
                env.list("VCTT_ALLOWED_ORIGINS"),
                env.choice("VCTT_AUTH", AuthMode.class, AuthMode.OFF),
                env.millis("VCTT_KEY_RECHECK_MS", Duration.ofSeconds(5)),
                new RequestLimits(
                        env.integer("VCTT_MAX_MESSAGE_CHARS", limits.maxMessageChars(), 1, 10_000_000),
                        env.integer("VCTT_MAX_SYSTEM_PROMPT_CHARS", limits.maxSystemPromptChars(), 1, 10_000_000),
                        env.integer("VCTT_MAX_HISTORY_ENTRIES", limits.maxHistoryEntries(), 0, 10_000),
                        env.integer("VCTT_MAX_HISTORY_CHARS", limits.maxHistoryChars(), 1, 100_000_000),
                        env.integer("VCTT_MAX_OUTPUT_TOKENS", limits.maxOutputTokens(), 1, 1_000_000)),
                new ConnectionLimits(
                        env.integer("VCTT_MAX_FRAME_BYTES", connection.maxFrameBytes(), 1024, 64 * 1024 * 1024),
                        env.integer("VCTT_OUTBOX_CHARS", connection.outboxChars(), 1024, 256 * 1024 * 1024),
                        connection.outboxWindow(),
                        env.integer("VCTT_MAX_PENDING_PER_CONNECTION", connection.maxPending(), 1, 10_000),
                        env.millis("VCTT_REPLAY_PATIENCE_MS", connection.replayPatience())),
                env.integer("VCTT_MAX_STREAMS_PER_CONNECTION", 8, 1, 1000),
                env.millis("VCTT_MAX_RETRY_WAIT_MS", Duration.ofSeconds(10)),
                env.millis("VCTT_HEARTBEAT_MS", Duration.ofSeconds(15)),
                env.integer("VCTT_DEFAULT_MAX_TOKENS", providers.budgets().defaultMaxTokens().orElse(4096), 1, 1_000_000),
                providers.catalog(),
                database(env),
                schema(env),
                env.integer("VCTT_DB_POOL_SIZE", 10, 1, 200),
                env.usd("VCTT_DAILY_BUDGET_USD").or(providers.budgets()::daily),
                env.usd("VCTT_KEY_DAILY_BUDGET_USD").or(providers.budgets()::keyDaily),
                env.millis("VCTT_PROGRESS_MS", Duration.ofSeconds(5)),
                env.integer("VCTT_WRITE_BACKLOG", 10_000, 10, 10_000_000),
                Duration.ofMillis(env.integer("VCTT_WRITE_GATHER_MS", 20, 0, 1000)),
                socketIo.withPing(env.millis("VCTT_SOCKETIO_PING_INTERVAL_MS", socketIo.pingInterval()),
                        env.millis("VCTT_SOCKETIO_PING_TIMEOUT_MS", socketIo.pingTimeout()))
                        .withRecovery(socketIoRecovery(env)),
                env.integer("VCTT_DEMO_TOKENS_PER_SECOND", 30, 1, 1000),
                new ResumeSettings(resumeGrace(env),
                        env.millis("VCTT_RESUME_LINGER_MS", ResumeSettings.DEFAULTS.linger()),
                        env.duration("VCTT_RESUME_RETENTION", ResumeSettings.DEFAULTS.retention()),
                        env.millis("VCTT_CHUNK_LOG_FLUSH_MS", ResumeSettings.DEFAULTS.flushEvery()),
                        env.integer("VCTT_CHUNK_LOG_FLUSH_CHUNKS", ResumeSettings.DEFAULTS.flushChunks(), 1, 100_000),
                        env.integer("VCTT_RESUME_MAX_ENDED", ResumeSettings.DEFAULT_MAX_ENDED, 1, 10_000_000)),
                new Source(environment),
                tools(env),
                smoothing(env), bandLimits(env, providers.bands()),
                new ClusterConfig(nodeId(env), env.millis("VCTT_LEASE_MS", Duration.ofSeconds(10))),
                env.integer("VCTT_WARMUP_STREAMS", 0, 0, 100_000));
    }

    /** {@code VCTT_SMOOTH}: {@code off} (the default) or {@code chunking:maxDelayMs}, such as {@code word:30}. */
    private static SmoothSettings smoothing(Env env) {
        Smoothing serverDefault = env.text("VCTT_SMOOTH").map(value -> Smoothing.parse(value).orElseThrow(() ->
                new ConfigException("VCTT_SMOOTH must be off or chunking:maxDelayMs with chunking none, word or line"
                        + " and maxDelayMs from 0 to " + Smoothing.MAX_DELAY.toMillis() + " (e.g. word:30), got '"
                        + value + "'"))).orElse(Smoothing.OFF);
        return new SmoothSettings(serverDefault, env.integer("VCTT_SMOOTH_MAX_HELD_CHARS",
                SmoothSettings.DEFAULT_MAX_HELD_CHARS, 1, 1_048_576));
    }

    /** How long a stream outlives its client, waiting for a resume (and a Socket.IO client may recover). */
    private static Duration resumeGrace(Env env) {
        return Duration.ofMillis(env.integer("VCTT_RESUME_GRACE_MS", 30_000, 0, 24 * 60 * 60 * 1000));
    }

    /** Switch for Socket.IO connection state recovery. */
    enum Toggle { ON, OFF }

    /** Socket.IO clients recover for as long as their streams wait for a resume: the resume grace. */
    private static SocketIoSettings.Recovery socketIoRecovery(Env env) {
        SocketIoSettings.Recovery defaults = SocketIoSettings.Recovery.DEFAULTS;
        return new SocketIoSettings.Recovery(env.choice("VCTT_SOCKETIO_RECOVERY", Toggle.class, Toggle.ON) == Toggle.ON,
                resumeGrace(env), defaults.eventsKept(), defaults.maxParked());
    }

    /** Band Jam limits: the environment wins over the file, the file over the defaults. */
    private static BandLimits bandLimits(Env env, ConfigFile.Bands file) {
        BandLimits defaults = BandLimits.DEFAULTS;
        return new BandLimits(
                env.integer("VCTT_BAND_MAX_MEMBERS", file.maxMembers().orElse(defaults.maxMembers()), 1, MAX_BAND_MEMBERS),
                env.integer("VCTT_BAND_MAX_MEMBER_TIMEOUT_MS",
                        file.maxMemberTimeoutMs().orElse((int) defaults.maxMemberTimeoutMs()), 1, MAX_BAND_MEMBER_TIMEOUT_MS));
    }

    private static ToolConfig tools(Env env) {
        return new ToolConfig(
                env.text("VCTT_MCP_SERVERS").map(value -> McpServersConfig.parse("VCTT_MCP_SERVERS", value))
                        .orElse(List.of()),
                env.integer("VCTT_MAX_TOOL_STEPS", ToolSettings.DEFAULT_MAX_STEPS, 1, 100),
                env.millis("VCTT_TOOL_TIMEOUT_MS", ToolSettings.DEFAULT_TIMEOUT),
                env.integer("VCTT_TOOL_RESULT_BYTES", ToolSettings.DEFAULT_RESULT_BYTES, 1, 16 * 1024 * 1024));
    }

    private static Optional<ExternalDatabase> database(Env env) {
        Optional<String> url = env.text("DATABASE_URL");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        if (!url.get().startsWith("jdbc:postgresql://")) {
            throw new ConfigException("DATABASE_URL must be a jdbc:postgresql:// URL, got '" + url.get() + "'");
        }
        return Optional.of(new ExternalDatabase(url.get(), env.text("DATABASE_USER", "postgres"),
                env.text("DATABASE_PASSWORD", "")));
    }

    private static Optional<String> nodeId(Env env) {
        Optional<String> id = env.text("VCTT_NODE_ID");
        if (id.isPresent() && !id.get().matches("[A-Za-z0-9._:-]{1,100}")) {
            throw new ConfigException("VCTT_NODE_ID must be 1 to 100 letters, digits, '.', '_', ':' or '-', got '"
                    + id.get() + "'");
        }
        return id;
    }

    private static String schema(Env env) {
        String schema = env.text("VCTT_DB_SCHEMA", "public");
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new ConfigException("VCTT_DB_SCHEMA must be a lower-case SQL name, got '" + schema + "'");
        }
        return schema;
    }

    /**
     * Whether the server runs as an offline demo: no endpoint could answer, because none has a key and
     * each is at its family's public URL. Every role then routes to the {@code demo} model (unless the
     * configuration file or {@code VCTT_ROUTES} says otherwise). An endpoint elsewhere (a local
     * OpenAI-compatible server, which needs no key) is a real provider, not a demo.
     */
    public boolean offlineDemo() {
        return offlineDemo(endpoints);
    }

    static boolean offlineDemo(Map<ProviderId, Endpoint> endpoints) {
        return endpoints.values().stream().noneMatch(AppConfig::couldAnswer);
    }

    private static boolean couldAnswer(Endpoint endpoint) {
        Optional<URI> publicUrl = ProviderFamilies.named(endpoint.family()).flatMap(ProviderFamilies.Family::publicUrl);
        return endpoint.apiKey().isPresent() || publicUrl.isEmpty() || !publicUrl.get().equals(endpoint.baseUrl());
    }

    /** The endpoints, models, routes and budget defaults: built-in, then the file, then the environment. */
    private record Providers(Map<ProviderId, Endpoint> endpoints, Catalog catalog, ConfigFile.Budgets budgets,
                             ConfigFile.Bands bands) {
    }

    private static Providers providers(Env env, Map<String, String> environment, ProviderTimeouts defaults) {
        PriceList prices = env.text("VCTT_PRICES_FILE").map(file -> PriceList.read(env.path("VCTT_PRICES_FILE", file)))
                .orElse(PriceList.NONE);
        var builtIn = new LinkedHashMap<ProviderId, Endpoint>();
        BUILT_IN_ENDPOINTS.forEach((id, prefix) -> builtIn.put(id, new Endpoint(id, id.value(),
                ProviderFamilies.named(id.value()).orElseThrow().publicUrl().orElseThrow(),
                Optional.of(prefix + "_API_KEY"), Optional.empty(), defaults, Map.of())));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        var base = new ConfigFile.Base(builtIn, defaults, prices, endpoints -> environmentOverrides(env, endpoints),
                endpoints -> baseCatalog(endpoints, prices), today);
        Optional<String> file = env.text(ConfigFile.VARIABLE);
        ConfigFile.Loaded loaded = file.isPresent()
                ? ConfigFile.load(env.path(ConfigFile.VARIABLE, file.get()), environment, base)
                : new ConfigFile.Loaded(environmentOverrides(env, builtIn), baseCatalog(environmentOverrides(env, builtIn), prices),
                        ConfigFile.Budgets.NONE, ConfigFile.Bands.NONE);
        Catalog catalog = loaded.catalog();
        Optional<String> models = env.text("VCTT_MODELS");
        if (models.isPresent()) {
            catalog = catalog.withModels(models.get(), today, loaded.endpoints().keySet());
        }
        Optional<String> routes = env.text("VCTT_ROUTES");
        catalog = routes.isPresent() ? catalog.withRoutes(routes.get()) : catalog;
        catalog.routeTable();
        return new Providers(loaded.endpoints(), catalog, loaded.budgets(), loaded.bands());
    }

    /** PRODUCT.md's models priced by the price list where it knows them, routed to the demo when nothing could answer. */
    private static Catalog baseCatalog(Map<ProviderId, Endpoint> endpoints, PriceList prices) {
        Catalog catalog = Catalog.defaults().withModelsMapped(model -> {
            Endpoint endpoint = endpoints.get(model.route().provider());
            if (endpoint == null) {
                return model;
            }
            return prices.find(model.route().model(), model.upstreamId(), endpoint.family())
                    .map(item -> model.withPrice(prices.entry(item)).withContextWindow(item.contextWindow()))
                    .orElse(model);
        });
        return offlineDemo(endpoints) ? catalog.withEveryRoleTo(Catalog.DEMO_MODEL) : catalog;
    }

    /** {@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY} and the timeouts win over the file for the endpoint named openai; the same for anthropic and xai. */
    private static Map<ProviderId, Endpoint> environmentOverrides(Env env, Map<ProviderId, Endpoint> endpoints) {
        var changed = new LinkedHashMap<>(endpoints);
        BUILT_IN_ENDPOINTS.forEach((id, prefix) -> {
            Endpoint endpoint = changed.get(id);
            if (endpoint == null) {
                return;
            }
            if (env.text(prefix + "_BASE_URL").isPresent()) {
                endpoint = endpoint.withBaseUrl(env.url(prefix + "_BASE_URL", ""));
            }
            Optional<String> key = env.text(prefix + "_API_KEY");
            if (key.isPresent() || endpoint.apiKeyVariable().equals(Optional.of(prefix + "_API_KEY"))) {
                endpoint = endpoint.withKey(prefix + "_API_KEY", key);
            }
            ProviderTimeouts timeouts = endpoint.timeouts();
            endpoint = endpoint.withTimeouts(new ProviderTimeouts(
                    env.millis(prefix + "_CONNECT_TIMEOUT_MS", timeouts.connect()),
                    env.millis(prefix + "_FIRST_TOKEN_TIMEOUT_MS", timeouts.firstToken()),
                    env.millis(prefix + "_IDLE_TIMEOUT_MS", timeouts.idle())));
            changed.put(id, endpoint);
        });
        return changed;
    }

    /** The shortest deadline of any provider, to size the watchdog's tick. */
    Duration shortestTimeout() {
        return endpoints.values().stream()
                .flatMap(p -> List.of(p.timeouts().firstToken(), p.timeouts().idle()).stream())
                .min(Duration::compareTo).orElseThrow();
    }
}
