package dev.vctt.stream.bootstrap;

import dev.vctt.stream.adapters.websocket.socketio.SocketIoSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.domain.cost.Price;
import dev.vctt.stream.domain.cost.PriceTable;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.routing.RouteTable;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppConfigTest {

    @Test
    void an_empty_environment_gives_the_documented_defaults() {
        AppConfig config = AppConfig.fromEnv(Map.of());

        assertThat(config.port()).isEqualTo(3000);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.endpoint("openai").baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(config.endpoint("openai").apiKey()).isEmpty();
        assertThat(config.endpoint("anthropic").baseUrl()).isEqualTo(URI.create("https://api.anthropic.com/v1"));
        assertThat(config.endpoint("xai").baseUrl()).isEqualTo(URI.create("https://api.x.ai/v1"));
        assertThat(config.auth()).isEqualTo(AppConfig.AuthMode.OFF);
        assertThat(config.keyRecheck()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.dataDir().toString()).isEqualTo("./data");
        assertThat(config.allowedOrigins()).isEmpty();
        assertThat(config.endpoint("openai").timeouts().firstToken()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void variables_override_the_defaults() {
        AppConfig config = AppConfig.fromEnv(Map.of("PORT", "8080", "OPENAI_API_KEY", "sk-1",
                "OPENAI_BASE_URL", "http://127.0.0.1:8090/v1", "VCTT_ALLOWED_ORIGINS", "https://a.example, https://b.example",
                "VCTT_AUTH", "keys", "VCTT_FIRST_TOKEN_TIMEOUT_MS", "5000", "XAI_FIRST_TOKEN_TIMEOUT_MS", "90000",
                "VCTT_MAX_STREAMS_PER_CONNECTION", "3", "VCTT_KEY_RECHECK_MS", "750", "VCTT_MAX_PENDING_PER_CONNECTION", "5"));

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.endpoint("openai").apiKey()).contains("sk-1");
        assertThat(config.endpoint("openai").baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8090/v1"));
        assertThat(config.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(config.auth()).isEqualTo(AppConfig.AuthMode.KEYS);
        assertThat(config.endpoint("openai").timeouts().firstToken()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.endpoint("xai").timeouts().firstToken()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.maxStreamsPerConnection()).isEqualTo(3);
        assertThat(config.keyRecheck()).isEqualTo(Duration.ofMillis(750));
        assertThat(config.connectionLimits().maxPending()).isEqualTo(5);
        assertThat(AppConfig.fromEnv(Map.of()).connectionLimits().maxPending()).isEqualTo(16);
    }

    @Test
    void there_is_no_warm_up_unless_asked_for() {
        assertThat(AppConfig.fromEnv(Map.of()).warmupStreams()).isZero();
        assertThat(AppConfig.fromEnv(Map.of("VCTT_WARMUP_STREAMS", "1000")).warmupStreams()).isEqualTo(1000);
    }

    @Test
    void database_writes_gather_for_twenty_milliseconds_unless_set_and_zero_turns_it_off() {
        assertThat(AppConfig.fromEnv(Map.of()).writeGather()).isEqualTo(Duration.ofMillis(20));
        assertThat(AppConfig.fromEnv(Map.of("VCTT_WRITE_GATHER_MS", "0")).writeGather()).isZero();
        assertThat(AppConfig.fromEnv(Map.of("VCTT_WRITE_GATHER_MS", "250")).writeGather()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void the_replay_patience_is_thirty_seconds_unless_set() {
        assertThat(AppConfig.fromEnv(Map.of()).connectionLimits().replayPatience()).isEqualTo(Duration.ofSeconds(30));
        assertThat(AppConfig.fromEnv(Map.of("VCTT_REPLAY_PATIENCE_MS", "1500")).connectionLimits().replayPatience())
                .isEqualTo(Duration.ofMillis(1500));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "PORT, abc, PORT must be a whole number from 0 to 65535, got 'abc'",
            "PORT, 70000, PORT must be a whole number from 0 to 65535",
            "OPENAI_BASE_URL, ftp://x, OPENAI_BASE_URL must be an http:// or https:// URL",
            "ANTHROPIC_BASE_URL, not a url, ANTHROPIC_BASE_URL must be an http:// or https:// URL",
            "VCTT_AUTH, maybe, 'VCTT_AUTH must be one of off, keys'",
            "VCTT_MAX_FRAME_BYTES, 10, VCTT_MAX_FRAME_BYTES must be a whole number from 1024",
            "VCTT_MAX_PENDING_PER_CONNECTION, 0, VCTT_MAX_PENDING_PER_CONNECTION must be a whole number from 1",
            "VCTT_IDLE_TIMEOUT_MS, 0, VCTT_IDLE_TIMEOUT_MS must be a whole number from 1",
            "VCTT_KEY_RECHECK_MS, 0, VCTT_KEY_RECHECK_MS must be a whole number from 1",
            "VCTT_REPLAY_PATIENCE_MS, 0, VCTT_REPLAY_PATIENCE_MS must be a whole number from 1",
            "VCTT_DEMO_TOKENS_PER_SECOND, 0, VCTT_DEMO_TOKENS_PER_SECOND must be a whole number from 1 to 1000",
            "VCTT_SOCKETIO_PING_INTERVAL_MS, soon, VCTT_SOCKETIO_PING_INTERVAL_MS must be a whole number from 1",
            "VCTT_RESUME_GRACE_MS, -1, VCTT_RESUME_GRACE_MS must be a whole number from 0",
            "VCTT_SOCKETIO_RECOVERY, maybe, 'VCTT_SOCKETIO_RECOVERY must be one of on, off'",
            "VCTT_RESUME_RETENTION, forever, VCTT_RESUME_RETENTION must be a positive duration such as 24h",
            "VCTT_RESUME_RETENTION, 0h, VCTT_RESUME_RETENTION must be a positive duration",
            "VCTT_CHUNK_LOG_FLUSH_MS, 0, VCTT_CHUNK_LOG_FLUSH_MS must be a whole number from 1",
            "VCTT_CHUNK_LOG_FLUSH_CHUNKS, 0, VCTT_CHUNK_LOG_FLUSH_CHUNKS must be a whole number from 1",
            "VCTT_SMOOTH, word, VCTT_SMOOTH must be off or chunking:maxDelayMs",
            "VCTT_SMOOTH, sentence:30, VCTT_SMOOTH must be off or chunking:maxDelayMs",
            "VCTT_SMOOTH, word:5000, VCTT_SMOOTH must be off or chunking:maxDelayMs",
            "VCTT_SMOOTH_MAX_HELD_CHARS, 0, VCTT_SMOOTH_MAX_HELD_CHARS must be a whole number from 1",
            "VCTT_BAND_MAX_MEMBERS, 0, VCTT_BAND_MAX_MEMBERS must be a whole number from 1 to 100",
            "VCTT_BAND_MAX_MEMBERS, 101, VCTT_BAND_MAX_MEMBERS must be a whole number from 1 to 100",
            "VCTT_BAND_MAX_MEMBER_TIMEOUT_MS, never, VCTT_BAND_MAX_MEMBER_TIMEOUT_MS must be a whole number from 1",
            "VCTT_WARMUP_STREAMS, -1, VCTT_WARMUP_STREAMS must be a whole number from 0 to 100000",
            "VCTT_WARMUP_STREAMS, 100001, VCTT_WARMUP_STREAMS must be a whole number from 0 to 100000",
            "VCTT_WRITE_GATHER_MS, 1001, VCTT_WRITE_GATHER_MS must be a whole number from 0 to 1000",
    })
    void a_bad_value_is_one_line_naming_the_variable(String variable, String value, String message) {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .hasMessageNotContaining("\n");
    }

    @Test
    void the_default_routes_are_products() {
        RouteTable routes = AppConfig.fromEnv(Map.of("OPENAI_API_KEY", "sk-1")).catalog().routeTable();

        assertThat(routes.chainFor(AgentRole.ANALYST).models()).extracting(r -> r.model().value())
                .containsExactly("gpt-4o", "claude-sonnet-4-5");
        assertThat(routes.chainFor(AgentRole.PRIMARY).models()).extracting(r -> r.model().value())
                .containsExactly("gpt-4o", "claude-sonnet-4-5");
        assertThat(routes.chainFor(AgentRole.VERIFICATION).models()).extracting(r -> r.model().value())
                .containsExactly("grok-4-1-fast-non-reasoning", "gpt-4o");
    }

    @Test
    void models_and_routes_can_be_configured() {
        AppConfig config = AppConfig.fromEnv(Map.of(
                "VCTT_MODELS", "llama3.1=openai:0:0, claude-haiku-4-5=anthropic:1.00:5.00",
                "VCTT_ROUTES", "*=llama3.1;ethics=claude-haiku-4-5>llama3.1>gpt-4o"));

        RouteTable routes = config.catalog().routeTable();
        assertThat(routes.chainFor(AgentRole.ANALYST).models()).containsExactly(ModelRoute.of("llama3.1", ProviderId.OPENAI));
        assertThat(routes.chainFor(AgentRole.ETHICS).models()).extracting(r -> r.model().value())
                .containsExactly("claude-haiku-4-5", "llama3.1", "gpt-4o");
        PriceTable prices = config.catalog().prices();
        assertThat(prices.priceOf(ModelId.of("llama3.1"))).isEqualTo(Price.FREE);
        assertThat(prices.priceOf(ModelId.of("claude-haiku-4-5"))).isEqualTo(Price.perMillion("1.00", "5.00"));
        assertThat(prices.entryFor(ModelId.of("claude-haiku-4-5")).orElseThrow().source()).isEqualTo("VCTT_MODELS");
        assertThat(prices.entryFor(ModelId.of("gpt-4o")).orElseThrow().source()).contains("openai.com");
    }

    @Test
    void with_no_key_and_the_public_base_urls_every_role_answers_with_the_offline_demo_model() {
        AppConfig config = AppConfig.fromEnv(Map.of());

        assertThat(config.offlineDemo()).isTrue();
        RouteTable routes = config.catalog().routeTable();
        for (AgentRole role : AgentRole.values()) {
            assertThat(routes.chainFor(role).models()).as(role.wireName()).containsExactly(ModelRoute.of("demo", ProviderId.of("demo")));
        }
        assertThat(config.catalog().prices().priceOf(ModelId.of("demo"))).isEqualTo(Price.FREE);
        assertThat(config.catalog().prices().entryFor(ModelId.of("demo")).orElseThrow().source()).isEqualTo("offline demo");
        assertThat(config.demoTokensPerSecond()).isEqualTo(30);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "OPENAI_API_KEY, sk-1",
            "ANTHROPIC_API_KEY, sk-ant-1",
            "XAI_API_KEY, xai-1",
            "OPENAI_BASE_URL, http://127.0.0.1:8080/v1",
            "ANTHROPIC_BASE_URL, http://127.0.0.1:8081/v1",
            "XAI_BASE_URL, http://127.0.0.1:8082/v1",
    })
    void any_key_or_a_non_default_base_url_is_a_real_provider_and_no_demo(String variable, String value) {
        AppConfig config = AppConfig.fromEnv(Map.of(variable, value));

        assertThat(config.offlineDemo()).isFalse();
        assertThat(config.catalog().routeTable().chainFor(AgentRole.ANALYST).models()).extracting(r -> r.model().value())
                .containsExactly("gpt-4o", "claude-sonnet-4-5");
    }

    @Test
    void routes_configured_on_the_offline_demo_apply_on_top_of_it() {
        AppConfig config = AppConfig.fromEnv(Map.of("VCTT_ROUTES", "analyst=gpt-4o"));

        assertThat(config.offlineDemo()).isTrue();
        assertThat(config.catalog().routeTable().chainFor(AgentRole.ANALYST).models()).extracting(r -> r.model().value())
                .containsExactly("gpt-4o");
        assertThat(config.catalog().routeTable().chainFor(AgentRole.ETHICS).models()).extracting(r -> r.model().value())
                .containsExactly("demo");
        assertThat(config.catalog().rolesUsing(ModelId.of("demo"))).hasSize(AgentRole.values().length - 1)
                .doesNotContain(AgentRole.ANALYST);
    }

    @Test
    void the_demo_model_can_be_routed_to_explicitly_with_keys_set() {
        AppConfig config = AppConfig.fromEnv(Map.of("OPENAI_API_KEY", "sk-1", "VCTT_ROUTES", "*=demo"));

        assertThat(config.offlineDemo()).isFalse();
        assertThat(config.catalog().rolesUsing(ModelId.of("demo"))).containsExactly(AgentRole.values());
    }

    @Test
    void socket_io_recovery_is_on_by_default_for_the_resume_grace_and_may_be_turned_off() {
        SocketIoSettings.Recovery byDefault = AppConfig.fromEnv(Map.of()).socketIo().recovery();
        SocketIoSettings.Recovery off = AppConfig.fromEnv(Map.of("VCTT_SOCKETIO_RECOVERY", "off")).socketIo().recovery();
        SocketIoSettings.Recovery graceful = AppConfig.fromEnv(Map.of("VCTT_SOCKETIO_RECOVERY", "ON",
                "VCTT_RESUME_GRACE_MS", "5000")).socketIo().recovery();

        assertThat(byDefault.enabled()).isTrue();
        assertThat(byDefault.window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(off.enabled()).isFalse();
        assertThat(graceful.enabled()).isTrue();
        assertThat(graceful.window()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void the_socket_io_heartbeat_and_the_demo_pace_are_configurable() {
        AppConfig config = AppConfig.fromEnv(Map.of("VCTT_SOCKETIO_PING_INTERVAL_MS", "1000",
                "VCTT_SOCKETIO_PING_TIMEOUT_MS", "2000", "VCTT_DEMO_TOKENS_PER_SECOND", "90"));

        assertThat(config.socketIo().pingInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.socketIo().pingTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.socketIo().connectTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.demoTokensPerSecond()).isEqualTo(90);
        assertThat(AppConfig.fromEnv(Map.of()).socketIo().pingInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(AppConfig.fromEnv(Map.of()).socketIo().pingTimeout()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void smoothing_is_off_unless_the_server_default_turns_it_on() {
        AppConfig defaults = AppConfig.fromEnv(Map.of());
        AppConfig on = AppConfig.fromEnv(Map.of("VCTT_SMOOTH", "line:50", "VCTT_SMOOTH_MAX_HELD_CHARS", "512"));

        assertThat(defaults.smoothing().serverDefault().isOff()).isTrue();
        assertThat(on.smoothing().serverDefault().describe()).isEqualTo("line:50");
        assertThat(on.smoothing().maxHeldChars()).isEqualTo(512);
    }

    @Test
    void the_resume_grace_retention_and_chunk_log_cadence_are_configurable() {
        AppConfig config = AppConfig.fromEnv(Map.of("VCTT_RESUME_GRACE_MS", "0", "VCTT_RESUME_RETENTION", "90m",
                "VCTT_CHUNK_LOG_FLUSH_MS", "250", "VCTT_CHUNK_LOG_FLUSH_CHUNKS", "64", "VCTT_RESUME_LINGER_MS", "500",
                "VCTT_RESUME_MAX_ENDED", "300"));

        assertThat(config.resume().grace()).isEqualTo(Duration.ZERO);
        assertThat(config.resume().retention()).isEqualTo(Duration.ofMinutes(90));
        assertThat(config.resume().flushEvery()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.resume().flushChunks()).isEqualTo(64);
        assertThat(config.resume().linger()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.resume().maxEnded()).isEqualTo(300);
        assertThat(AppConfig.fromEnv(Map.of()).resume().maxEnded()).isEqualTo(10_000);
        assertThat(AppConfig.fromEnv(Map.of("VCTT_RESUME_RETENTION", "PT36H")).resume().retention())
                .isEqualTo(Duration.ofHours(36));
        AppConfig defaults = AppConfig.fromEnv(Map.of());
        assertThat(defaults.resume().grace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.resume().retention()).isEqualTo(Duration.ofHours(24));
        assertThat(defaults.resume().flushEvery()).isEqualTo(Duration.ofSeconds(1));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "VCTT_ROUTES | analyst=gpt-9               | VCTT_ROUTES names model 'gpt-9', which is not in the catalog",
            "VCTT_ROUTES | critic=gpt-4o               | VCTT_ROUTES names an unknown agent role 'critic'",
            "VCTT_ROUTES | analyst                     | VCTT_ROUTES entries are role=model>model",
            "VCTT_ROUTES | analyst=gpt-4o>gpt-4o       | VCTT_ROUTES: model gpt-4o appears twice in one chain",
            "VCTT_MODELS | llama=local:0:0             | VCTT_MODELS names an unknown endpoint 'local'",
            "VCTT_MODELS | llama=openai:0              | VCTT_MODELS entries are name=provider:inputPrice:outputPrice",
            "VCTT_MODELS | llama=openai:cheap:0        | VCTT_MODELS has a bad price or name in 'llama=openai:cheap:0'",
            "VCTT_MODELS | llama=openai:-1:0           | VCTT_MODELS has a bad price or name",
    })
    void a_bad_catalog_setting_is_one_line_naming_the_variable(String variable, String value, String message) {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of(variable, value)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(message).hasMessageNotContaining("\n");
    }
}
