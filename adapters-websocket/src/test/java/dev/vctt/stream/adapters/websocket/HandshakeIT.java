package dev.vctt.stream.adapters.websocket;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.adapters.websocket.testing.RawWsClient;
import dev.vctt.stream.adapters.websocket.testing.TestWebServer;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.service.LiveKeys;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.ScriptedLlmProvider;
import dev.vctt.stream.application.testing.ScriptedStream;
import dev.vctt.stream.application.testing.SleepingScheduler;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.session.FinishReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every WebSocket handshake is decided once, on one canonical path, with keys required: no variant
 * of a route's path (escapes, case, dot segments, slashes, trailing characters, queries) is let in
 * without a key or answered 500, the canonical paths still work, and once a connection is open its
 * key is never looked up again: not per frame, not while the key store is down.
 */
class HandshakeIT {

    private static final Duration RECHECK = Duration.ofMillis(200);

    private final ScriptedLlmProvider provider = new ScriptedLlmProvider();
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final LiveKeys liveKeys = new LiveKeys(keys, new SleepingScheduler(), RECHECK);
    private WebServer server;
    private String key;
    private IssuedKey issued;

    @BeforeEach
    void start_server_with_keys_required() {
        issued = keys.issue("team", Optional.empty(), Instant.parse("2026-11-22T10:00:00Z"));
        key = issued.secret();
        server = TestWebServer.start(new WebServerSettings("127.0.0.1", 0, new ConnectionLimits(4096, 1 << 20, 4),
                        List.of(), Duration.ofSeconds(30)), RequestLimits.DEFAULTS, provider, new ActiveStreams(4),
                AuthenticateClientService.withKeys(keys, liveKeys), liveKeys, new InMemorySessionStore(),
                new MicrometerStreamMetrics());
        liveKeys.start();
    }

    @AfterEach
    void stop_server() {
        liveKeys.stop();
        server.close();
    }

    static Stream<String> variants_of_the_native_path() {
        return Stream.of("/%73tream", "/stre%61m", "/%53tream", "/STREAM", "/Stream", "/stream/", "/stream//",
                "/stream;x", "/stream;token=x", "/stream%00", "/stream%20", "/stream%09", "/stream.", "/stream%2E",
                "/./stream", "/%2E/stream", "/x/../stream", "/x/%2E%2E/stream", "/stream/.", "/stream/..", "//stream",
                "/%2Fstream", "/%2fstream", "/stream%2F", "/stream%5C", "/%5Cstream", "/stream\\", "/stream~",
                "/stream%3Ftoken=x", "/stream%23", "/streamx", "/strea", "/stream.json", "/stream/socket.io/",
                "/%2573tream", "/stream%", "/stream%zz", "/", "", "/health", "/api/stats", "/metrics", "/nothing",
                "/socket.io/../stream", "http://127.0.0.1/stream/", "http://127.0.0.1/%73tream", "*");
    }

    static Stream<String> variants_of_the_socket_io_path() {
        return Stream.of("/Socket.io/", "/SOCKET.IO/", "/socket.io//", "/socket.io/x", "/socket.io/.", "/socket.io/..",
                "/socket.io;x/", "/socket.io/;x", "/socket%2Eio/", "/%73ocket.io/", "/socket.io%2F", "/socket.io%2f",
                "//socket.io/", "/./socket.io/", "/x/../socket.io/", "/socket.io%00/", "/socket.io/%00", "/socket.io.",
                "/socket.io\\", "/socket.io/stream", "/stream/../socket.io/");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("variants_of_the_native_path")
    void a_variant_of_the_native_path_is_refused_with_404_even_with_a_key_and_never_upgraded(String path) {
        for (String query : List.of("", "?token=" + key, "?token=")) {
            // when
            HttpAnswer answer = upgrade(path + query, Map.of());

            // then
            assertThat(answer.status()).as("%s%s: %s", path, query, answer).isIn(400, 404);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("variants_of_the_socket_io_path")
    void a_variant_of_the_socket_io_path_is_refused_with_404_and_never_upgraded(String path) {
        HttpAnswer answer = upgrade(path + "?EIO=4&transport=websocket", Map.of());

        assertThat(answer.status()).as("%s: %s", path, answer).isIn(400, 404);
    }

    @Test
    void the_canonical_native_path_needs_a_live_key_however_the_query_is_written() {
        assertThat(upgrade("/stream", Map.of()).status()).isEqualTo(401);
        assertThat(upgrade("/stream?", Map.of()).status()).isEqualTo(401);
        assertThat(upgrade("/stream?token=", Map.of()).status()).isEqualTo(401);
        assertThat(upgrade("/stream?token=%20", Map.of()).status()).isEqualTo(401);
        assertThat(upgrade("/stream?token=" + key + "x", Map.of()).status()).isEqualTo(401);
        assertThat(upgrade("/stream?%74oken=" + key, Map.of()).status()).isEqualTo(401);
        assertThat(upgrade("/stream?TOKEN=" + key, Map.of()).status()).isEqualTo(401);
        assertThat(upgrade("/stream?token=wrong&token=" + key, Map.of()).status()).isEqualTo(401);
        assertThat(upgrade("/stream?token=%zz", Map.of()).status()).isIn(400, 401);
        assertThat(upgrade("/stream", Map.of("Authorization", "Basic " + key)).status()).isEqualTo(401);
        assertThat(upgrade("/stream", Map.of(RequestGuard.TICKET_HEADER, "forged")).status()).isEqualTo(401);

        assertThat(upgrade("/stream?token=" + key, Map.of()).status()).isEqualTo(101);
        assertThat(upgrade("/stream?x=1&token=" + key + "&y", Map.of()).status()).isEqualTo(101);
        assertThat(upgrade("/stream", Map.of("Authorization", "Bearer " + key)).status()).isEqualTo(101);
        assertThat(upgrade("/stream?token=" + key, Map.of("Origin", "https://evil.example")).status()).isEqualTo(403);
        // the absolute form names the same path, and is decided the same way
        assertThat(upgrade("http://127.0.0.1/stream", Map.of()).status()).isEqualTo(401);
        assertThat(upgrade("http://127.0.0.1/stream?token=" + key, Map.of()).status()).isEqualTo(101);
    }

    @Test
    void refusals_are_json_with_a_code_and_never_echo_the_key() {
        HttpAnswer notCanonical = upgrade("/%73tream?token=" + key, Map.of());
        HttpAnswer notFound = upgrade("/STREAM?token=" + key, Map.of());
        HttpAnswer unauthorized = upgrade("/stream?token=" + key + "x", Map.of());

        assertThat(notCanonical.status()).isEqualTo(400);
        assertThat(notCanonical.body()).contains("\"code\":\"BAD_PATH\"").doesNotContain(key);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.body()).contains("\"code\":\"NOT_FOUND\"").doesNotContain(key);
        assertThat(unauthorized.body()).isEqualTo("{\"error\":\"unknown or revoked API key\",\"code\":\"UNAUTHORIZED\"}");
        assertThat(upgrade("/socket.io/?EIO=3&transport=websocket", Map.of()).body())
                .isEqualTo("{\"code\":5,\"message\":\"Unsupported protocol version\"}");
    }

    @Test
    void the_canonical_socket_io_paths_still_open_and_authenticate_at_connect() {
        assertThat(upgrade("/socket.io/?EIO=4&transport=websocket", Map.of()).status()).isEqualTo(101);
        assertThat(upgrade("/socket.io?EIO=4&transport=websocket", Map.of()).status()).isEqualTo(101);

        try (RawWsClient client = RawWsClient.connect(URI.create("ws://127.0.0.1:" + server.port()
                + "/socket.io/?EIO=4&transport=websocket"))) {
            client.awaitPrefix("0{");
            client.send("40/stream,");
            assertThat(client.awaitPrefix("44/stream,")).contains("UNAUTHORIZED");
            client.send("40/stream,{\"token\":\"" + key + "\"}");
            assertThat(client.awaitPrefix("40/stream,")).startsWith("40/stream,{\"sid\":");
        }
    }

    static Stream<String> variants_of_the_api_paths() {
        return Stream.of("/api/%73tats", "/%61pi/stats", "/api/./stats", "/api/x/../stats", "/api//stats", "/api/stats/",
                "/api/stats;x", "/api/stats%00", "/api/stats%20", "/API/stats", "/api/Stats", "/api/stats.", "/api/%2Fstats",
                "/api%2Fstats", "/api/stats%2F", "/api/stats\\", "/api/sessions/%2E%2E", "/api/sessions/..",
                "/api/sessions/..%2Fstats", "/api/sessions/x%2F..%2F..%2Fstats", "/api/sessions/s-1;x", "/api/sessions/",
                "/api/sessions//s-1", "/api/sessions/%73-1", "/health/../api/stats", "/api/");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("variants_of_the_api_paths")
    void a_variant_of_an_api_path_is_never_answered_200_or_500_with_or_without_a_key(String path) {
        for (String query : List.of("", "?token=" + key)) {
            HttpAnswer answer = get(path + query);

            assertThat(answer.status()).as("%s%s: %s", path, query, answer).isIn(400, 401, 404);
        }
    }

    @Test
    void the_canonical_api_paths_still_answer_with_a_key_and_only_with_one() {
        assertThat(get("/api/stats").status()).isEqualTo(401);
        assertThat(get("/api/stats?token=" + key).status()).isEqualTo(200);
        assertThat(get("/api/stats?token=%zz").status()).isEqualTo(401);
        assertThat(get("/api/sessions/s-1?token=" + key).body()).contains("SESSION_NOT_FOUND");
    }

    @Test
    void plain_http_to_the_socket_io_paths_and_their_variants_is_refused_never_500() {
        for (String path : Stream.concat(Stream.of("/socket.io/", "/socket.io"), variants_of_the_socket_io_path()).toList()) {
            HttpAnswer answer = get(path + "?EIO=4&transport=polling");

            assertThat(answer.status()).as("%s: %s", path, answer).isIn(400, 404);
        }
    }

    @Test
    void an_upgrade_after_a_plain_request_on_a_kept_alive_connection_is_decided_afresh() throws IOException {
        for (String target : List.of("/stream", "/%73tream", "/STREAM")) {
            try (var socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(10_000);
                // given: a plain request answered on a connection kept alive
                send(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(read(socket.getInputStream()).status()).isEqualTo(200);

                // when: the next request on it is an upgrade without a key
                send(socket, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");

                // then
                assertThat(read(socket.getInputStream()).status()).as(target).isIn(400, 401, 404);
            }
        }
    }

    @Test
    void a_hundred_frames_on_an_authenticated_connection_cost_one_key_lookup() {
        // given
        try (WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/stream?token="
                + key), null)) {
            // when
            for (int i = 0; i < 100; i++) {
                client.send("stream_cancel", Map.of("sessionId", "s-" + i));
            }

            // then
            holds(() -> assertThat(client.events("stream_error")).hasSize(100));
            assertThat(keys.checks()).isEqualTo(1);
        }
    }

    @Test
    void with_the_key_store_down_an_open_connection_keeps_streaming_and_is_answered() {
        // given
        try (WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/stream?token="
                + key), null)) {
            client.send("stream_request", Map.of("message", "first"));
            ScriptedStream running = provider.nextCall();
            running.delta("Hel");

            // when
            keys.unavailable(true);
            client.send("stream_cancel", Map.of("sessionId", "s-unknown"));
            client.send("stream_request", Map.of("message", "second"));
            ScriptedStream second = provider.nextCall();
            running.delta("lo").complete(FinishReason.STOP);
            second.delta("Hi").complete(FinishReason.STOP);

            // then
            holds(() -> assertThat(client.events("stream_complete")).hasSize(2));
            assertThat(client.events("stream_error")).singleElement()
                    .satisfies(error -> assertThat(error.path("code").asText()).isEqualTo("STREAM_NOT_FOUND"));
            assertThat(client.isClosed()).isFalse();
            // new connections cannot be authenticated meanwhile: they are refused, never let in unchecked
            assertThat(upgrade("/stream?token=" + key, Map.of()).status()).isEqualTo(401);
        }
    }

    @Test
    void a_revoked_key_gets_unauthorized_on_new_requests_within_the_recheck_and_keeps_its_connection() {
        // given
        try (WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/stream?token="
                + key), null)) {
            client.send("stream_request", Map.of("message", "before"));
            ScriptedStream running = provider.nextCall();
            running.delta("a");

            // when
            keys.revoke(issued.id(), Instant.parse("2026-11-22T10:01:00Z"));

            // then: within the recheck interval (with room for a busy machine), new requests are refused ...
            holds(Duration.ofSeconds(10), () -> {
                client.send("stream_request", Map.of("message", "after", "requestId", "probe"));
                assertThat(client.events("stream_error")).anySatisfy(error ->
                        assertThat(error.path("code").asText()).isEqualTo("UNAUTHORIZED"));
            });
            // ... the stream that was running goes on to its end, and the connection stays open
            running.delta("b").complete(FinishReason.STOP);
            holds(() -> assertThat(client.events("stream_complete")).isNotEmpty());
            assertThat(client.isClosed()).isFalse();
            assertThat(upgrade("/stream?token=" + key, Map.of()).status()).isEqualTo(401);
        }
    }

    private record HttpAnswer(int status, String head, String body) {
    }

    private HttpAnswer upgrade(String target, Map<String, String> headers) {
        var request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        return exchange(request.append("\r\n").toString());
    }

    private HttpAnswer get(String target) {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nConnection: close\r\n\r\n");
    }

    /** Sends one request and reads the answer's head, and its body when it has a length; a 101 has none. */
    private HttpAnswer exchange(String request) {
        try (var socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            send(socket, request);
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new AssertionError("the request failed: " + request, e);
        }
    }

    private static void send(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static HttpAnswer read(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        if (headText.isEmpty()) {
            return new HttpAnswer(-1, "", "");
        }
        int status = Integer.parseInt(headText.split(" ", 3)[1]);
        int length = headText.lines().filter(line -> line.regionMatches(true, 0, "Content-Length:", 0, 15))
                .map(line -> Integer.parseInt(line.substring(15).strip())).findFirst().orElse(0);
        byte[] body = in.readNBytes(status == 101 ? 0 : length);
        return new HttpAnswer(status, headText, new String(body, StandardCharsets.UTF_8));
    }
}
