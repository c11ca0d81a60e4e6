package dev.vctt.stream.bootstrap;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.persistence.Database;
import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.EmbeddedDatabase;
import dev.vctt.stream.adapters.persistence.apikey.JdbcApiKeyStore;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.domain.access.IssuedKey;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.Assertions;

/**
 * With {@code VCTT_AUTH=keys}, through the whole server and its own PostgreSQL: a connection is
 * authenticated once, so neither a database outage nor a hundred frames touch its key; a revoked
 * key's connection gets {@code UNAUTHORIZED} on new requests within {@code VCTT_KEY_RECHECK_MS}.
 */
class KeysEndToEndIT {

    private static final Duration RECHECK = Duration.ofMillis(300);

    private final SseReplayServer openai = SseReplayServer.start();
    private EmbeddedDatabase embedded;
    private DatabaseSettings database;
    private ServerApp app;
    private IssuedKey key;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (var probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        embedded = EmbeddedDatabase.start(Files.createTempDirectory("vctt-keys-e2e"), port);
        database = embedded.settings("public", 2);
        var env = new HashMap<String, String>();
        env.put("PORT", "0");
        env.put("DATABASE_URL", database.url());
        env.put("DATABASE_USER", database.user());
        env.put("DATABASE_PASSWORD", database.password());
        env.put("VCTT_DB_POOL_SIZE", "4");
        env.put("VCTT_AUTH", "keys");
        env.put("VCTT_KEY_RECHECK_MS", String.valueOf(RECHECK.toMillis()));
        env.put("OPENAI_BASE_URL", openai.baseUrl().toString());
        env.put("VCTT_ROUTES", "*=gpt-4o");
        app = ServerApp.start(AppConfig.fromEnv(env), Clock.systemUTC());
        try (Database admin = Database.open(database)) {
            key = new JdbcApiKeyStore(admin.dataSource()).issue("e2e", Optional.empty(), Instant.now());
        }
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        embedded.close();
        openai.close();
    }

    private WsTestClient connect() {
        return WsTestClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/stream?token=" + key.secret()), null);
    }

    @Test
    void a_database_outage_drops_no_open_connection_running_streams_go_on_and_new_requests_are_answered() {
        // given: a stream running on an authenticated connection
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")).pacedBy(Duration.ofMillis(100)));
        try (WsTestClient client = connect()) {
            client.send("stream_request", Map.of("message", "before the outage", "requestId", "running"));
            client.await("stream_start");

            // when: the database goes away
            embedded.close();
            for (int i = 0; i < 100; i++) {
                client.send("stream_cancel", Map.of("sessionId", "unknown-" + i));
            }
            client.send("stream_request", Map.of("message", "during the outage", "requestId", "new"));

            // then: every frame is answered, the running stream ends, the new request is answered, and the connection stays
            holds(Duration.ofSeconds(30), () -> {
                assertThat(client.events("stream_error")).filteredOn(e -> e.path("code").asText().equals("STREAM_NOT_FOUND"))
                        .hasSize(100);
                assertThat(client.events("stream_complete")).anySatisfy(done ->
                        assertThat(done.path("requestId").asText()).isEqualTo("running"));
                assertThat(client.frames()).anySatisfy(frame -> {
                    assertThat(frame.path("event").asText()).isIn("stream_complete", "stream_error");
                    assertThat(frame.path("data").path("requestId").asText()).isEqualTo("new");
                });
            });
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void a_revoked_keys_connection_gets_unauthorized_on_new_requests_within_the_recheck_interval() {
        // given
        openai.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")));
        try (WsTestClient client = connect()) {
            client.send("stream_request", Map.of("message", "while live", "requestId", "live"));
            client.await("stream_complete", done -> done.path("requestId").asText().equals("live"));

            // when
            try (Database admin = Database.open(database)) {
                assertThat(new JdbcApiKeyStore(admin.dataSource()).revoke(key.id(), Instant.now())).isTrue();
            }

            // then: a new request is refused within the interval (plus room for a busy machine), without a drop
            holds(Duration.ofSeconds(10), () -> {
                client.send("stream_request", Map.of("message", "after revocation", "requestId", "probe"));
                assertThat(client.events("stream_error")).anySatisfy(error ->
                        assertThat(error.path("code").asText()).isEqualTo("UNAUTHORIZED"));
            });
            assertThat(client.isClosed()).isFalse();
            Assertions.assertThatThrownBy(this::connect).isInstanceOf(CompletionException.class)
                    .rootCause().hasMessageContaining("401");
        }
    }
}
