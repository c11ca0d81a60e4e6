package dev.vctt.stream.adapters.websocket.socketio;

import static dev.vctt.stream.application.testing.Eventually.becomes;
import static dev.vctt.stream.application.testing.TestCatalog.GPT_4O;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.WebServer;
import dev.vctt.stream.adapters.websocket.WebServerSettings;
import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.adapters.websocket.testing.RawWsClient;
import dev.vctt.stream.adapters.websocket.testing.TestWebServer;
import dev.vctt.stream.application.port.in.AuthOutcome;
import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.service.CountActiveStreamsService;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.ScriptedLlmProvider;
import dev.vctt.stream.application.testing.ScriptedStream;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.session.FinishReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Socket.IO-compatible endpoint on a real server, spoken to frame by frame with a raw WebSocket
 * client: the Engine.IO and Socket.IO edge cases a socket.io-client depends on, and the refusals a
 * misbehaving client gets.
 */
class SocketIoStreamEndpointIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_FRAME = 4096;
    private static final Duration PING_INTERVAL = Duration.ofMillis(300);
    /** Generous: the test client answers pings on a shared machine; only the no-pong test waits for it. */
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    private static final SocketIoSettings SETTINGS = new SocketIoSettings(PING_INTERVAL, PING_TIMEOUT, Duration.ofSeconds(30));
    private static final String REQUEST = "42/stream,[\"stream_request\",{\"message\":\"Explain quantum computing\","
            + "\"temperature\":0.7,\"agentRole\":\"analyst\",\"requestId\":\"r-1\"}]";

    private final ScriptedLlmProvider provider = new ScriptedLlmProvider();
    private final ActiveStreams active = new ActiveStreams(3);
    private final CountActiveStreamsService streams = new CountActiveStreamsService(active);
    private final List<RawWsClient> clients = new ArrayList<>();
    private WebServer server;

    private void start(SocketIoSettings settings, AuthenticateClientUseCase authenticate) {
        server = TestWebServer.start(new WebServerSettings("127.0.0.1", 0, new ConnectionLimits(MAX_FRAME, 64 * 1024, 8),
                List.of(), Duration.ofSeconds(30)).withSocketIo(settings), new RequestLimits(2000, 1000, 5, 10_000, 4096),
                provider, active, authenticate, new InMemorySessionStore(), new MicrometerStreamMetrics());
    }

    private void start() {
        start(SETTINGS, AuthenticateClientService.open());
    }

    @AfterEach
    void stop() {
        clients.forEach(RawWsClient::abort);
        if (server != null) {
            server.close();
        }
    }

    private URI uri(String query) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/socket.io/?" + query);
    }

    private RawWsClient open() {
        return open("EIO=4&transport=websocket", Map.of(), true);
    }

    private RawWsClient open(String query, Map<String, String> headers, boolean answerPings) {
        RawWsClient client = RawWsClient.connect(uri(query), headers, answerPings);
        clients.add(client);
        return client;
    }

    /** An open connection that has joined /stream. */
    private RawWsClient joined() {
        RawWsClient client = open();
        client.awaitPrefix("0{");
        client.send("40/stream,");
        client.awaitPrefix("40/stream,{");
        return client;
    }

    /** The data of the first Socket.IO event of that name (waiting for it). */
    private static JsonNode event(RawWsClient client, String name) {
        return event(client.await(text -> isEvent(text, name)));
    }

    private static boolean isEvent(String text, String name) {
        return text.startsWith("42/stream,[\"" + name + "\",");
    }

    private static JsonNode event(String frame) {
        JsonNode array = json(frame.substring("42/stream,".length()));
        assertThat(array.isArray()).as(frame).isTrue();
        // the name, the data and (connection state recovery being on) the offset
        assertThat(array.size()).as(frame).isEqualTo(3);
        assertThat(array.get(2).isTextual()).as(frame).isTrue();
        return array.get(1);
    }

    private static List<String> eventNames(RawWsClient client) {
        return client.texts().stream().filter(t -> t.startsWith("42/stream,"))
                .map(t -> json(t.substring("42/stream,".length())).get(0).asText()).toList();
    }

    @Test
    void the_open_packet_advertises_a_sid_no_upgrades_the_heartbeat_and_the_payload_limit() {
        start();
        RawWsClient client = open();

        String open = client.awaitPrefix("0");

        assertThat(client.texts().getFirst()).isEqualTo(open).startsWith("0{");
        JsonNode handshake = json(open.substring(1));
        assertThat(handshake.path("sid").asText()).hasSizeGreaterThanOrEqualTo(16);
        assertThat(handshake.path("upgrades").isArray()).isTrue();
        assertThat(handshake.path("upgrades")).isEmpty();
        assertThat(handshake.path("pingInterval").asLong()).isEqualTo(300);
        assertThat(handshake.path("pingTimeout").asLong()).isEqualTo(5000);
        assertThat(handshake.path("maxPayload").asInt()).isEqualTo(4 * MAX_FRAME);
    }

    @Test
    void connect_to_the_stream_namespace_is_answered_with_a_socket_id() {
        start();
        RawWsClient client = open();
        client.awaitPrefix("0{");

        client.send("40/stream,");

        String reply = client.awaitPrefix("40/stream,");
        assertThat(json(reply.substring("40/stream,".length())).path("sid").asText()).hasSizeGreaterThanOrEqualTo(16);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void a_stream_request_event_streams_start_chunks_and_complete_as_events_of_the_namespace() {
        start();
        RawWsClient client = joined();

        client.send(REQUEST);
        ScriptedStream call = provider.nextCall();
        call.delta("Quantum").delta(" bits").usage(12, 2).complete(FinishReason.STOP);

        JsonNode complete = event(client, "stream_complete");
        JsonNode start = event(client, "stream_start");
        assertThat(eventNames(client)).containsExactly("stream_start", "stream_chunk", "stream_chunk", "stream_complete");
        assertThat(client.texts().stream().filter(t -> t.startsWith("4") && !t.startsWith("40")))
                .allSatisfy(frame -> assertThat(frame).startsWith("42/stream,[\""));
        assertThat(start.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(start.path("agentRole").asText()).isEqualTo("analyst");
        assertThat(start.path("requestId").asText()).isEqualTo("r-1");
        List<JsonNode> chunks = client.texts().stream().filter(t -> isEvent(t, "stream_chunk"))
                .map(SocketIoStreamEndpointIT::event).toList();
        assertThat(chunks).extracting(c -> c.path("chunk").asText()).containsExactly("Quantum", " bits");
        assertThat(chunks).extracting(c -> c.path("index").asInt()).containsExactly(0, 1);
        assertThat(complete.path("sessionId").asText()).isEqualTo(start.path("sessionId").asText());
        assertThat(complete.path("fullText").asText()).isEqualTo("Quantum bits");
        assertThat(complete.path("totalTokens").asInt()).isEqualTo(14);
        assertThat(complete.path("finishReason").asText()).isEqualTo("stop");
    }

    @Test
    void an_unknown_namespace_is_refused_as_the_reference_server_does_and_the_connection_stays_usable() {
        start();
        RawWsClient client = open();
        client.awaitPrefix("0{");

        client.send("40/random,");
        client.send("40");

        assertThat(client.awaitPrefix("44/random,")).isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
        assertThat(client.awaitPrefix("44{")).isEqualTo("44{\"message\":\"Invalid namespace\"}");
        client.send("40/stream,");
        assertThat(client.awaitPrefix("40/stream,")).startsWith("40/stream,{\"sid\":\"");
    }

    @Test
    void an_event_before_connect_closes_the_connection_as_a_protocol_error() {
        start();
        RawWsClient client = open();
        client.awaitPrefix("0{");

        client.send(REQUEST);

        RawWsClient.Closing closing = client.awaitClose();
        assertThat(closing.code()).isEqualTo(1002);
        assertThat(closing.reason()).contains("not joined");
        assertThat(provider.callCount()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a ping from the client (Engine.IO 4 pings come from the server) | 2          | 1002",
            "an unknown Engine.IO packet type                               | 9x         | 1002",
            "an upgrade packet on a websocket-only connection               | 5          | 1002",
            "a binary Socket.IO event                                       | 451-/stream,[\"x\",{\"_placeholder\":true,\"num\":0}] | 1003",
            "a CONNECT_ERROR from the client                                | 44/stream,{} | 1002",
            "a CONNECT payload that is no object                            | 40/stream,[1] | 1002",
            "a second CONNECT to the joined namespace                        | 40/stream, | 1002",
    })
    void a_packet_no_socket_io_client_sends_closes_the_connection(String what, String frame, int code) {
        start();
        RawWsClient client = joined();

        client.send(frame);

        assertThat(client.awaitClose().code()).isEqualTo(code);
    }

    @Test
    void a_binary_frame_closes_the_connection_with_1003_and_cancels_its_streams() {
        start();
        RawWsClient client = joined();
        client.send(REQUEST);
        ScriptedStream call = provider.nextCall();

        client.sendBinary(new byte[] {4, 2});

        assertThat(client.awaitClose().code()).isEqualTo(1003);
        becomes(() -> call.isCancelled() && streams.count() == 0 && server.connections() == 0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Engine.IO 3 (Socket.IO 2 clients)   | EIO=3&transport=websocket         | {\"code\":5,\"message\":\"Unsupported protocol version\"}",
            "no EIO at all                        | transport=websocket               | {\"code\":5,\"message\":\"Unsupported protocol version\"}",
            "no transport                         | EIO=4                             | {\"code\":0,\"message\":\"Transport unknown\"}",
            "the polling transport                | EIO=4&transport=polling           | {\"code\":0,\"message\":\"Transport unknown\"}",
            "a sid to upgrade from polling        | EIO=4&transport=websocket&sid=abc | {\"code\":1,\"message\":\"Session ID unknown\"}",
    })
    void a_handshake_this_server_cannot_serve_is_refused_with_the_engine_io_error(String what, String query,
                                                                                  String body) {
        start();

        String response = RawWsClient.rawUpgrade(server.port(), "/socket.io/?" + query);

        assertThat(response).startsWith("HTTP/1.1 400").contains("application/json").endsWith(body);
        assertThat(server.connections()).isZero();
    }

    @Test
    void a_long_polling_request_gets_http_400_transport_unknown() throws Exception {
        start();
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/socket.io/?EIO=4&transport=polling&t=abc")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(response.body()).isEqualTo("{\"code\":0,\"message\":\"Transport unknown\"}");
        }
    }

    @Test
    void the_server_pings_on_its_interval_whether_or_not_anything_else_is_sent() {
        start();
        RawWsClient client = open();

        List<RawWsClient.Frame> pings = client.awaitCount("2"::equals, 3);

        RawWsClient.Frame open = client.awaitFrame(text -> text.startsWith("0{"));
        long first = pings.get(0).receivedNanos() - open.receivedNanos();
        long second = pings.get(1).receivedNanos() - pings.get(0).receivedNanos();
        long third = pings.get(2).receivedNanos() - pings.get(1).receivedNanos();
        long atLeast = PING_INTERVAL.toNanos() - Duration.ofMillis(50).toNanos();
        assertThat(List.of(first, second, third)).allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(atLeast));
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void a_client_that_does_not_answer_a_ping_in_time_is_closed_and_its_streams_cancelled() {
        start(SETTINGS.withPing(Duration.ofMillis(200), Duration.ofMillis(400)), AuthenticateClientService.open());
        RawWsClient client = open("EIO=4&transport=websocket", Map.of(), false);
        client.awaitPrefix("0{");
        client.send("40/stream,");
        client.awaitPrefix("40/stream,");
        client.send(REQUEST);
        ScriptedStream call = provider.nextCall();

        RawWsClient.Closing closing = client.awaitClose();

        assertThat(client.texts()).contains("2");
        assertThat(closing.code()).isEqualTo(1008);
        assertThat(closing.reason()).isEqualTo("ping timeout");
        becomes(() -> call.isCancelled() && streams.count() == 0);
    }

    @Test
    void a_connection_that_joins_no_namespace_in_time_is_closed() {
        start(new SocketIoSettings(PING_INTERVAL, PING_TIMEOUT, Duration.ofMillis(500)), AuthenticateClientService.open());
        RawWsClient client = open();

        RawWsClient.Closing closing = client.awaitClose();

        assertThat(closing.code()).isEqualTo(1008);
        assertThat(closing.reason()).contains("no namespace joined");
    }

    @Test
    void an_event_with_an_ack_id_is_acknowledged_with_the_session_it_started() {
        start();
        RawWsClient client = joined();

        client.send(REQUEST.replace("42/stream,[", "42/stream,7["));
        provider.nextCall();

        String ack = client.awaitPrefix("43/stream,7[");
        JsonNode receipt = json(ack.substring("43/stream,7".length())).get(0);
        assertThat(receipt.path("accepted").asBoolean()).isTrue();
        assertThat(receipt.path("sessionId").asText()).isEqualTo(event(client, "stream_start").path("sessionId").asText());
    }

    @Test
    void a_refused_request_is_acknowledged_with_the_refusal_and_told_as_a_stream_error() {
        start();
        RawWsClient client = joined();

        client.send("42/stream,12[\"stream_request\",{\"message\":\"  \",\"requestId\":\"blank\"}]");

        JsonNode receipt = json(client.awaitPrefix("43/stream,12[").substring("43/stream,12".length())).get(0);
        assertThat(receipt.path("accepted").asBoolean()).isFalse();
        assertThat(receipt.path("code").asText()).isEqualTo("VALIDATION_ERROR");
        assertThat(receipt.path("error").asText()).contains("message: must not be blank");
        assertThat(receipt.path("retryable").asBoolean()).isFalse();
        JsonNode error = event(client, "stream_error");
        assertThat(error.path("code").asText()).isEqualTo("VALIDATION_ERROR");
        assertThat(error.path("requestId").asText()).isEqualTo("blank");
    }

    @Test
    void a_cancel_with_an_ack_id_is_acknowledged_and_the_stream_completes_as_cancelled() {
        start();
        RawWsClient client = joined();
        client.send(REQUEST);
        ScriptedStream call = provider.nextCall();
        call.delta("Once");
        String sessionId = event(client, "stream_start").path("sessionId").asText();
        event(client, "stream_chunk");

        client.send("42/stream,3[\"stream_cancel\",{\"sessionId\":\"" + sessionId + "\"}]");
        client.send("42/stream,4[\"stream_cancel\",{\"sessionId\":\"no-such-stream\"}]");

        assertThat(client.awaitPrefix("43/stream,3[")).isEqualTo("43/stream,3[{\"accepted\":true,\"sessionId\":\"" + sessionId + "\"}]");
        assertThat(json(client.awaitPrefix("43/stream,4[").substring("43/stream,4".length())).get(0).path("code").asText())
                .isEqualTo("STREAM_NOT_FOUND");
        JsonNode complete = event(client, "stream_complete");
        assertThat(complete.path("finishReason").asText()).isEqualTo("cancelled");
        assertThat(complete.path("fullText").asText()).isEqualTo("Once");
        assertThat(call.isCancelled()).isTrue();
    }

    @Test
    void disconnect_from_the_namespace_cancels_its_streams_and_the_client_may_join_again() {
        start();
        RawWsClient client = joined();
        String firstSid = client.awaitPrefix("40/stream,{");
        client.send(REQUEST);
        client.send(REQUEST.replace("r-1", "r-2"));
        ScriptedStream one = provider.nextCall();
        ScriptedStream two = provider.nextCall();

        client.send("41/stream,");

        becomes(() -> one.isCancelled() && two.isCancelled() && streams.count() == 0 && server.connections() == 0);
        assertThat(client.isClosed()).isFalse();
        client.send("40/stream,");
        String secondSid = client.awaitFrame(text -> text.startsWith("40/stream,{") && !text.equals(firstSid)).text();
        assertThat(secondSid).isNotEqualTo(firstSid);
        client.send(REQUEST);
        provider.nextCall().delta("again").complete(FinishReason.STOP);
        assertThat(event(client.await(text -> isEvent(text, "stream_complete") && text.contains("again")))
                .path("fullText").asText()).isEqualTo("again");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "JSON that does not parse    | 42/stream,[\"stream_request\",{\"message\":    | BAD_JSON      | not valid JSON",
            "an object, not an array     | 42/stream,{\"event\":\"stream_request\"}      | BAD_JSON      | JSON array",
            "an empty array              | 42/stream,[]                                  | BAD_JSON      | JSON array",
            "no payload at all           | 42/stream,                                    | BAD_JSON      | JSON array",
            "an unknown event            | 42/stream,[\"stream_teleport\",{}]            | UNKNOWN_EVENT | stream_teleport",
            "a request without data      | 42/stream,[\"stream_request\"]                | VALIDATION_ERROR | data: must be an object",
            "a temperature as text       | 42/stream,[\"stream_request\",{\"message\":\"hi\",\"temperature\":\"hot\"}] | VALIDATION_ERROR | temperature: must be a number",
    })
    void a_bad_event_gets_a_stream_error_and_the_connection_still_streams(String what, String frame, String code,
                                                                         String message) {
        start();
        RawWsClient client = joined();

        client.send(frame);

        JsonNode error = event(client, "stream_error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("error").asText()).contains(message);
        client.send(REQUEST);
        provider.nextCall().delta("still here").complete(FinishReason.STOP);
        assertThat(event(client, "stream_complete").path("fullText").asText()).isEqualTo("still here");
    }

    @Test
    void an_event_above_the_frame_limit_gets_message_too_large_and_the_connection_stays_open() {
        start();
        RawWsClient client = joined();

        client.send("42/stream,5[\"stream_request\",{\"message\":\"" + "x".repeat(MAX_FRAME) + "\"}]");

        assertThat(event(client, "stream_error").path("code").asText()).isEqualTo("MESSAGE_TOO_LARGE");
        assertThat(client.awaitPrefix("43/stream,5[")).contains("\"code\":\"MESSAGE_TOO_LARGE\"");
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void a_client_that_goes_away_has_its_streams_cancelled() {
        start();
        RawWsClient client = joined();
        client.send(REQUEST);
        ScriptedStream call = provider.nextCall();

        client.abort();

        becomes(() -> call.isCancelled() && streams.count() == 0 && server.connections() == 0);
    }

    @Test
    void shutting_down_closes_clients_with_going_away_joined_or_not() {
        start();
        RawWsClient joined = joined();
        RawWsClient waiting = open();
        waiting.awaitPrefix("0{");
        joined.send(REQUEST);
        ScriptedStream call = provider.nextCall();

        server.close();
        server = null;

        assertThat(joined.awaitClose().code()).isEqualTo(1001);
        assertThat(waiting.awaitClose().code()).isEqualTo(1001);
        becomes(call::isCancelled);
    }

    @Test
    void a_refused_key_gets_connect_error_unauthorized_and_the_client_may_try_again() {
        start(SETTINGS, new KeyOnly("s3cret"));
        RawWsClient client = open();
        client.awaitPrefix("0{");

        client.send("40/stream,{\"token\":\"wrong\"}");
        client.send("40/stream,");

        assertThat(client.awaitCount(text -> text.startsWith("44/stream,"), 2)).extracting(RawWsClient.Frame::text)
                .containsOnly("44/stream,{\"message\":\"unauthorized\",\"data\":{\"code\":\"UNAUTHORIZED\"}}");
        assertThat(server.connections()).isZero();
        client.send("40/stream,{\"token\":\"s3cret\"}");
        assertThat(client.awaitPrefix("40/stream,")).startsWith("40/stream,{\"sid\":");
        client.send(REQUEST);
        assertThat(provider.nextCall().request().conversation().getLast().content()).isEqualTo("Explain quantum computing");
    }

    @Test
    void the_key_may_also_come_from_the_token_query_parameter_or_the_authorization_header() {
        start(SETTINGS, new KeyOnly("s3cret"));
        RawWsClient byQuery = open("EIO=4&transport=websocket&token=s3cret", Map.of(), true);
        RawWsClient byHeader = open("EIO=4&transport=websocket", Map.of("Authorization", "Bearer s3cret"), true);

        byQuery.send("40/stream,");
        byHeader.send("40/stream,");

        assertThat(byQuery.awaitPrefix("40/stream,")).startsWith("40/stream,{\"sid\":");
        assertThat(byHeader.awaitPrefix("40/stream,")).startsWith("40/stream,{\"sid\":");
    }

    /** Authentication that knows one key; the real key store comes with the persistence work. */
    private record KeyOnly(String key) implements AuthenticateClientUseCase {
        @Override
        public AuthOutcome authenticate(Optional<String> presentedKey) {
            return presentedKey.filter(key::equals).<AuthOutcome>map(k -> new AuthOutcome.Authenticated(
                    Caller.of(new ApiKeyId("key-1")))).orElseGet(() -> new AuthOutcome.Refused("unknown key"));
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
