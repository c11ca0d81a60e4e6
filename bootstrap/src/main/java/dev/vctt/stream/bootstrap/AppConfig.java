package dev.vctt.stream.bootstrap;

import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.socketio.SocketIoSettings;
import dev.vctt.stream.adapters.mcp.McpServerSpec;
import dev.vctt.stream.application.service.ResumeSettings;
import dev.vctt.stream.application.service.ToolSettings;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.RequestLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
        ProviderSettings openai,
        ProviderSettings anthropic,
        ProviderSettings xai,
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
        SocketIoSettings socketIo,
        int demoTokensPerSecond,
        ResumeSettings resume,
        ToolConfig tools) {

    /** The MCP servers and the tool loop's limits. */
    public record ToolConfig(List<McpServerSpec> servers, int maxSteps, Duration callTimeout, int resultBytes) {
        public ToolConfig {
            servers = List.copyOf(servers);
            Objects.requireNonNull(callTimeout, "callTimeout");
        }
    }

    static final URI OPENAI_PUBLIC_URL = URI.create("https://api.openai.com/v1");
    static final URI ANTHROPIC_PUBLIC_URL = URI.create("https://api.anthropic.com/v1");
    static final URI XAI_PUBLIC_URL = URI.create("https://api.x.ai/v1");

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

    /** One provider's endpoint, key and timeouts. */
    public record ProviderSettings(URI baseUrl, Optional<String> apiKey, ProviderTimeouts timeouts) {
        public ProviderSettings {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(apiKey, "apiKey");
            Objects.requireNonNull(timeouts, "timeouts");
        }

        public ProviderSettings withBaseUrl(URI url) {
            return new ProviderSettings(url, apiKey, timeouts);
        }
    }

    public AppConfig {
        Objects.requireNonNull(host, "host");
        allowedOrigins = List.copyOf(allowedOrigins);
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
        ProviderSettings openai = provider(env, "OPENAI", OPENAI_PUBLIC_URL.toString(), defaults);
        ProviderSettings anthropic = provider(env, "ANTHROPIC", ANTHROPIC_PUBLIC_URL.toString(), defaults);
        ProviderSettings xai = provider(env, "XAI", XAI_PUBLIC_URL.toString(), defaults);
        return new AppConfig(
                env.text("VCTT_HOST", "127.0.0.1"),
                env.integer("PORT", 3000, 0, 65_535),
                openai,
                anthropic,
                xai,
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
                        connection.outboxWindow()),
                env.integer("VCTT_MAX_STREAMS_PER_CONNECTION", 8, 1, 1000),
                env.millis("VCTT_MAX_RETRY_WAIT_MS", Duration.ofSeconds(10)),
                env.millis("VCTT_HEARTBEAT_MS", Duration.ofSeconds(15)),
                env.integer("VCTT_DEFAULT_MAX_TOKENS", 4096, 1, 1_000_000),
                catalog(env, offlineDemo(openai, anthropic, xai)),
                database(env),
                schema(env),
                env.integer("VCTT_DB_POOL_SIZE", 10, 1, 200),
                env.usd("VCTT_DAILY_BUDGET_USD"),
                env.usd("VCTT_KEY_DAILY_BUDGET_USD"),
                env.millis("VCTT_PROGRESS_MS", Duration.ofSeconds(5)),
                env.integer("VCTT_WRITE_BACKLOG", 10_000, 10, 10_000_000),
                socketIo.withPing(env.millis("VCTT_SOCKETIO_PING_INTERVAL_MS", socketIo.pingInterval()),
                        env.millis("VCTT_SOCKETIO_PING_TIMEOUT_MS", socketIo.pingTimeout())),
                env.integer("VCTT_DEMO_TOKENS_PER_SECOND", 30, 1, 1000),
                new ResumeSettings(
                        Duration.ofMillis(env.integer("VCTT_RESUME_GRACE_MS", 30_000, 0, 24 * 60 * 60 * 1000)),
                        env.millis("VCTT_RESUME_LINGER_MS", ResumeSettings.DEFAULTS.linger()),
                        env.duration("VCTT_RESUME_RETENTION", ResumeSettings.DEFAULTS.retention()),
                        env.millis("VCTT_CHUNK_LOG_FLUSH_MS", ResumeSettings.DEFAULTS.flushEvery()),
                        env.integer("VCTT_CHUNK_LOG_FLUSH_CHUNKS", ResumeSettings.DEFAULTS.flushChunks(), 1, 100_000)),
                tools(env));
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

    private static String schema(Env env) {
        String schema = env.text("VCTT_DB_SCHEMA", "public");
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new ConfigException("VCTT_DB_SCHEMA must be a lower-case SQL name, got '" + schema + "'");
        }
        return schema;
    }

    /**
     * Whether the server runs as an offline demo: no provider key is set and every base URL is the
     * public default, so no provider could answer. Every role then routes to the {@code demo} model
     * (unless {@code VCTT_ROUTES} says otherwise). A base URL pointing elsewhere (a local
     * OpenAI-compatible server, which needs no key) is a real provider, not a demo.
     */
    public boolean offlineDemo() {
        return offlineDemo(openai, anthropic, xai);
    }

    private static boolean offlineDemo(ProviderSettings openai, ProviderSettings anthropic, ProviderSettings xai) {
        return openai.apiKey().isEmpty() && anthropic.apiKey().isEmpty() && xai.apiKey().isEmpty()
                && openai.baseUrl().equals(OPENAI_PUBLIC_URL) && anthropic.baseUrl().equals(ANTHROPIC_PUBLIC_URL)
                && xai.baseUrl().equals(XAI_PUBLIC_URL);
    }

    private static Catalog catalog(Env env, boolean offlineDemo) {
        Catalog catalog = offlineDemo ? Catalog.defaults().withEveryRoleTo(Catalog.DEMO_MODEL) : Catalog.defaults();
        Optional<String> models = env.text("VCTT_MODELS");
        if (models.isPresent()) {
            catalog = catalog.withModels(models.get(), LocalDate.now(ZoneOffset.UTC));
        }
        Optional<String> routes = env.text("VCTT_ROUTES");
        return routes.isPresent() ? catalog.withRoutes(routes.get()) : catalog;
    }

    private static ProviderSettings provider(Env env, String prefix, String defaultUrl, ProviderTimeouts defaults) {
        var timeouts = new ProviderTimeouts(
                env.millis(prefix + "_CONNECT_TIMEOUT_MS", defaults.connect()),
                env.millis(prefix + "_FIRST_TOKEN_TIMEOUT_MS", defaults.firstToken()),
                env.millis(prefix + "_IDLE_TIMEOUT_MS", defaults.idle()));
        return new ProviderSettings(env.url(prefix + "_BASE_URL", defaultUrl), env.text(prefix + "_API_KEY"), timeouts);
    }

    /** The shortest deadline of any provider, to size the watchdog's tick. */
    Duration shortestTimeout() {
        return List.of(openai, anthropic, xai).stream()
                .flatMap(p -> List.of(p.timeouts().firstToken(), p.timeouts().idle()).stream())
                .min(Duration::compareTo).orElseThrow();
    }
}
