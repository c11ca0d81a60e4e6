package dev.vctt.stream.bootstrap;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.EmbeddedDatabase;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole server on a PostgreSQL of its own that the test stops: a stream that ends while the
 * database is down, its close still queued in the writer, is resumed from memory long after the
 * linger time, and from the database once it is back and has written it.
 */
class ResumeBehindTheDatabaseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNKS = 200;

    private final SseReplayServer openai = SseReplayServer.start();
    private Path data;
    private int databasePort;
    private EmbeddedDatabase embedded;
    private ServerApp app;

    @BeforeEach
    void start() throws Exception {
        try (var probe = new ServerSocket(0)) {
            databasePort = probe.getLocalPort();
        }
        data = Files.createTempDirectory("vctt-resume-behind-db");
        embedded = EmbeddedDatabase.start(data, databasePort);
        DatabaseSettings database = embedded.settings("public", 2);
        var env = new HashMap<String, String>();
        env.put("PORT", "0");
        env.put("DATABASE_URL", database.url());
        env.put("DATABASE_USER", database.user());
        env.put("DATABASE_PASSWORD", database.password());
        env.put("VCTT_DB_POOL_SIZE", "4");
        env.put("OPENAI_BASE_URL", openai.baseUrl().toString());
        env.put("OPENAI_API_KEY", "sk-e2e");
        env.put("VCTT_ROUTES", "*=gpt-4o");
        env.put("VCTT_CHUNK_LOG_FLUSH_MS", "50");
        // the linger is over long before the test resumes: only the unwritten close keeps the stream in memory
        env.put("VCTT_RESUME_LINGER_MS", "1");
        app = ServerApp.start(AppConfig.fromEnv(env), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        embedded.close();
        openai.close();
    }

    @Test
    void a_stream_that_ended_with_the_database_down_is_resumed_from_memory_then_from_the_database_once_written() {
        // given: a stream running when the database stops, and ending while it is down
        openai.enqueue(Reply.sse(StreamResumeEndToEndIT.longAnswer()).inWritesOf(300).pacedBy(Duration.ofMillis(5)));
        JsonNode original;
        String sessionId;
        try (WsTestClient first = client()) {
            first.send("stream_request", Map.of("message", "Tell me a long story", "requestId", "r-down"));
            sessionId = first.await("stream_chunk").path("sessionId").asText();
            embedded.close();
            original = first.await("stream_complete");
        }

        // when: a client resumes it, the linger long over and its records still queued
        JsonNode fromMemory = resume(sessionId, 5);

        // then: it gets the rest and the same end
        assertThat(fromMemory.path("fullText").asText()).isEqualTo(original.path("fullText").asText());
        assertThat(fromMemory.path("finishReason").asText()).isEqualTo("stop");

        // and once the database is back and has written it, the database serves the same
        embedded = EmbeddedDatabase.start(data, databasePort);
        holds(Duration.ofSeconds(30), () -> assertThat(json(get("/api/sessions/" + sessionId)).path("status").asText())
                .isEqualTo("completed"));
        JsonNode fromDatabase = resume(sessionId, 5);
        for (String field : List.of("sessionId", "fullText", "totalTokens", "totalCost", "model", "finishReason",
                "requestId")) {
            assertThat(fromDatabase.path(field)).as(field).isEqualTo(original.path(field));
        }
    }

    /** Resumes on a new connection; checks the chunks from {@code from} on; returns the terminal event. */
    private JsonNode resume(String sessionId, int from) {
        try (WsTestClient later = client()) {
            later.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", from));
            JsonNode complete = later.await("stream_complete");
            List<JsonNode> chunks = later.events("stream_chunk");
            assertThat(chunks.stream().map(c -> c.path("index").asInt()).toList())
                    .isEqualTo(IntStream.range(from, CHUNKS).boxed().toList());
            assertThat(chunks.stream().map(c -> c.path("chunk").asText()).collect(Collectors.joining()))
                    .isEqualTo(IntStream.range(from, CHUNKS).mapToObj(StreamResumeEndToEndIT::piece)
                            .collect(Collectors.joining()));
            return complete;
        }
    }

    private WsTestClient client() {
        return WsTestClient.connect(app.port());
    }

    private String get(String path) {
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
