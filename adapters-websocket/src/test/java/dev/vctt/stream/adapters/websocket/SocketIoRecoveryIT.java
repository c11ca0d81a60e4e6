package dev.vctt.stream.adapters.websocket;

import static dev.vctt.stream.application.testing.Eventually.becomes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.adapters.websocket.socketio.SocketIoSettings;
import dev.vctt.stream.adapters.websocket.testing.RawWsClient;
import dev.vctt.stream.adapters.websocket.testing.TestWebServer;
import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.service.LiveKeys;
import dev.vctt.stream.application.service.ResumeSettings;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.ScriptedLlmProvider;
import dev.vctt.stream.application.testing.ScriptedStream;
import dev.vctt.stream.application.testing.SleepingScheduler;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.session.FinishReason;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO connection state recovery on the wire, with a raw client playing socket.io-client's
 * part: the {@code pid} in the CONNECT reply, an offset as the last element of every event, and
 * {@code {pid, offset}} in the reconnecting CONNECT; the TCP connection is dropped mid-stream
 * (no close frame) while the stream goes on.
 */
class SocketIoRecoveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNKS = 60;
    private static final String REQUEST = "42/stream,[\"stream_request\",{\"message\":\"Tell me a story\"}]";

    private final ScriptedLlmProvider provider = new ScriptedLlmProvider();
    private final ActiveStreams active = new ActiveStreams(4);
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final List<RawWsClient> clients = new ArrayList<>();
    private WebServer server;

    private void start(AuthenticateClientUseCase authenticate, SocketIoSettings.Recovery recovery) {
        server = TestWebServer.start(new WebServerSettings("127.0.0.1", 0, ConnectionLimits.DEFAULTS, List.of(),
                        Duration.ofSeconds(30)).withSocketIo(SocketIoSettings.DEFAULTS.withRecovery(recovery)),
                new RequestLimits(2000, 1000, 5, 10_000, 4096), provider, active, authenticate,
                new InMemorySessionStore(), new MicrometerStreamMetrics(), ResumeSettings.DEFAULTS);
    }

    private void start() {
        start(AuthenticateClientService.open(), SocketIoSettings.Recovery.DEFAULTS);
    }

    @AfterEach
    void stop() {
        clients.forEach(RawWsClient::abort);
        if (server != null) {
            server.close();
        }
    }

    private static String piece(int i) {
        return (i % 11 == 0 ? "é" : "w") + i + (i % 7 == 0 ? "\n" : " ");
    }

    private static String fullText() {
        return IntStream.range(0, CHUNKS).mapToObj(SocketIoRecoveryIT::piece).collect(Collectors.joining());
    }

    private static void play(ScriptedStream call, int from, int to) {
        for (int i = from; i < to; i++) {
            call.delta(piece(i));
        }
    }

    /** A connection that joined /stream with this auth payload; returns it and the CONNECT reply. */
    private Joined join(String auth) {
        RawWsClient client = RawWsClient.connect(URI.create("ws://127.0.0.1:" + server.port()
                + "/socket.io/?EIO=4&transport=websocket"));
        clients.add(client);
        client.awaitPrefix("0{");
        client.send("40/stream," + auth);
        String reply = client.awaitPrefix("40/stream,{");
        return new Joined(client, json(reply.substring("40/stream,".length())));
    }

    private record Joined(RawWsClient client, JsonNode reply) {
        String pid() {
            return reply.path("pid").asText();
        }
    }

    private static String reconnect(String pid, Optional<String> offset, Optional<String> token) {
        ObjectNode auth = JSON.createObjectNode();
        token.ifPresent(t -> auth.put("token", t));
        auth.put("pid", pid);
        offset.ifPresent(o -> auth.put("offset", o));
        return auth.toString();
    }

    private static boolean isEvent(String text, String name) {
        return text.startsWith("42/stream,[\"" + name + "\",");
    }

    private static JsonNode array(String frame) {
        return json(frame.substring("42/stream,".length()));
    }

    private static JsonNode event(String frame) {
        return array(frame).get(1);
    }

    /** The offset of the last event the client got: what socket.io-client sends back. */
    private static String lastOffset(RawWsClient client) {
        List<String> events = client.texts().stream().filter(t -> t.startsWith("42/stream,")).toList();
        JsonNode last = array(events.getLast());
        return last.get(last.size() - 1).asText();
    }

    private static List<JsonNode> events(RawWsClient client, String name) {
        return client.texts().stream().filter(t -> isEvent(t, name)).map(SocketIoRecoveryIT::event).toList();
    }

    private static List<Integer> indexes(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.path("index").asInt()).toList();
    }

    private static String text(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.path("chunk").asText()).collect(Collectors.joining());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    @Test
    void the_connect_reply_carries_a_pid_and_every_event_ends_with_a_fresh_offset() {
        start();
        Joined first = join("");

        first.client().send(REQUEST);
        ScriptedStream call = provider.nextCall();
        play(call, 0, 3);
        call.complete(FinishReason.STOP);
        first.client().await(t -> isEvent(t, "stream_complete"));

        assertThat(first.pid()).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(first.reply().path("sid").asText());
        List<JsonNode> arrays = first.client().texts().stream().filter(t -> t.startsWith("42/stream,"))
                .map(SocketIoRecoveryIT::array).toList();
        assertThat(arrays).hasSize(5).allSatisfy(a -> {
            assertThat(a.size()).isEqualTo(3);
            assertThat(a.get(2).isTextual()).isTrue();
        });
        assertThat(arrays.stream().map(a -> a.get(2).asText())).doesNotHaveDuplicates();
    }

    @Test
    void with_recovery_off_there_is_no_pid_and_no_offset() {
        start(AuthenticateClientService.open(), SocketIoSettings.Recovery.OFF);
        Joined first = join("");

        first.client().send(REQUEST);
        provider.nextCall().delta("a").complete(FinishReason.STOP);
        first.client().await(t -> isEvent(t, "stream_complete"));

        assertThat(first.reply().has("pid")).isFalse();
        assertThat(first.client().texts().stream().filter(t -> t.startsWith("42/stream,")))
                .allSatisfy(t -> assertThat(array(t).size()).isEqualTo(2));
    }

    @Test
    void a_client_cut_after_any_chunk_reconnects_with_pid_and_offset_and_gets_the_rest_once_then_live() {
        start();
        for (int k : List.of(0, 1, 17, 41, CHUNKS - 2, CHUNKS - 1)) {
            // given a connection that received chunks 0..k, then lost its TCP connection while the stream went on
            Joined first = join("");
            first.client().send(REQUEST);
            ScriptedStream call = provider.nextCall();
            play(call, 0, k + 1);
            int cut = k;
            first.client().await(t -> isEvent(t, "stream_chunk") && event(t).path("index").asInt() == cut);
            String offset = lastOffset(first.client());
            first.client().abort();
            becomes(() -> server.connections() == 0);
            play(call, k + 1, Math.min(CHUNKS, k + 4));

            // when the client reconnects with its pid and the offset of the last event it got
            Joined second = join(reconnect(first.pid(), Optional.of(offset), Optional.empty()));
            play(call, Math.min(CHUNKS, k + 4), CHUNKS);
            call.complete(FinishReason.STOP);

            // then it is recovered (same pid) and gets every later chunk once, then the end
            JsonNode complete = event(second.client().await(t -> isEvent(t, "stream_complete")));
            List<JsonNode> before = events(first.client(), "stream_chunk").subList(0, k + 1);
            List<JsonNode> after = events(second.client(), "stream_chunk");
            assertThat(second.pid()).as("cut after %d", k).isEqualTo(first.pid());
            assertThat(second.reply().path("sid").asText()).isEqualTo(first.reply().path("sid").asText());
            assertThat(indexes(after)).as("cut after %d", k).isEqualTo(IntStream.range(k + 1, CHUNKS).boxed().toList());
            assertThat(text(before) + text(after)).isEqualTo(fullText());
            assertThat(complete.path("fullText").asText()).isEqualTo(fullText());
            assertThat(events(second.client(), "stream_start")).isEmpty();
            assertThat(events(second.client(), "stream_error")).isEmpty();
            second.client().abort();
            becomes(() -> server.connections() == 0);
        }
    }

    @Test
    void a_client_recovers_twice_and_the_replayed_events_carry_fresh_offsets() {
        start();
        Joined first = join("");
        first.client().send(REQUEST);
        ScriptedStream call = provider.nextCall();
        play(call, 0, 5);
        first.client().await(t -> isEvent(t, "stream_chunk") && event(t).path("index").asInt() == 4);
        String firstOffset = lastOffset(first.client());
        first.client().abort();
        play(call, 5, 10);

        Joined second = join(reconnect(first.pid(), Optional.of(firstOffset), Optional.empty()));
        second.client().await(t -> isEvent(t, "stream_chunk") && event(t).path("index").asInt() == 9);
        String secondOffset = lastOffset(second.client());
        second.client().abort();
        play(call, 10, CHUNKS);

        Joined third = join(reconnect(first.pid(), Optional.of(secondOffset), Optional.empty()));
        call.complete(FinishReason.STOP);

        third.client().await(t -> isEvent(t, "stream_complete"));
        assertThat(secondOffset).isNotEqualTo(firstOffset);
        assertThat(third.pid()).isEqualTo(first.pid());
        assertThat(indexes(events(second.client(), "stream_chunk")).subList(0, 5)).containsExactly(5, 6, 7, 8, 9);
        assertThat(indexes(events(third.client(), "stream_chunk")))
                .isEqualTo(IntStream.range(10, CHUNKS).boxed().toList());
    }

    @Test
    void a_client_that_got_no_event_before_the_cut_sends_its_pid_alone_and_gets_the_stream_from_its_start() {
        start();
        Joined first = join("");
        first.client().send(REQUEST);
        ScriptedStream call = provider.nextCall();
        play(call, 0, 3);
        first.client().await(t -> isEvent(t, "stream_chunk") && event(t).path("index").asInt() == 2);
        first.client().abort();

        // socket.io-client sends no offset when no event reached it since the pid
        Joined second = join(reconnect(first.pid(), Optional.empty(), Optional.empty()));
        play(call, 3, CHUNKS);
        call.complete(FinishReason.STOP);

        second.client().await(t -> isEvent(t, "stream_complete"));
        assertThat(second.pid()).isEqualTo(first.pid());
        assertThat(events(second.client(), "stream_start")).hasSize(1);
        assertThat(indexes(events(second.client(), "stream_chunk"))).isEqualTo(IntStream.range(0, CHUNKS).boxed().toList());
        assertThat(text(events(second.client(), "stream_chunk"))).isEqualTo(fullText());
    }

    @Test
    void an_unknown_pid_or_an_offset_not_found_gets_a_fresh_pid_and_no_replay_and_the_app_may_still_resume() {
        start();
        Joined first = join("");
        first.client().send(REQUEST);
        ScriptedStream call = provider.nextCall();
        play(call, 0, 3);
        String sessionId = event(first.client().await(t -> isEvent(t, "stream_chunk") && event(t).path("index").asInt() == 2))
                .path("sessionId").asText();
        first.client().abort();
        becomes(() -> server.connections() == 0);

        Joined unknown = join(reconnect("0123456789abcdef0123456789abcdef", Optional.of("1"), Optional.empty()));
        Joined badOffset = join(reconnect(first.pid(), Optional.of("zzzzzz"), Optional.empty()));
        Joined again = join(reconnect(first.pid(), Optional.of(lastOffset(first.client())), Optional.empty()));

        assertThat(unknown.pid()).isNotEmpty().isNotEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(badOffset.pid()).isNotEmpty().isNotEqualTo(first.pid());
        assertThat(again.pid()).as("a parked connection is claimed once").isNotEqualTo(first.pid());
        again.client().send("42/stream,[\"stream_resume\",{\"sessionId\":\"" + sessionId + "\",\"fromIndex\":3}]");
        play(call, 3, CHUNKS);
        call.complete(FinishReason.STOP);
        again.client().await(t -> isEvent(t, "stream_complete"));
        assertThat(indexes(events(again.client(), "stream_chunk"))).isEqualTo(IntStream.range(3, CHUNKS).boxed().toList());
        assertThat(events(unknown.client(), "stream_chunk")).isEmpty();
        assertThat(events(badOffset.client(), "stream_chunk")).isEmpty();
    }

    @Test
    void another_keys_pid_is_not_recovered_and_its_owner_still_recovers() {
        IssuedKey alice = keys.issue("alice", Optional.empty(), Instant.parse("2026-11-22T10:00:00Z"));
        IssuedKey bob = keys.issue("bob", Optional.empty(), Instant.parse("2026-11-22T10:00:00Z"));
        start(AuthenticateClientService.withKeys(keys, new LiveKeys(keys, new SleepingScheduler(), Duration.ofSeconds(5))),
                SocketIoSettings.Recovery.DEFAULTS);
        Joined first = join("{\"token\":\"" + alice.secret() + "\"}");
        first.client().send(REQUEST);
        ScriptedStream call = provider.nextCall();
        play(call, 0, 3);
        first.client().await(t -> isEvent(t, "stream_chunk") && event(t).path("index").asInt() == 2);
        String offset = lastOffset(first.client());
        first.client().abort();
        becomes(() -> server.connections() == 0);

        Joined intruder = join(reconnect(first.pid(), Optional.of(offset), Optional.of(bob.secret())));
        Joined owner = join(reconnect(first.pid(), Optional.of(offset), Optional.of(alice.secret())));
        play(call, 3, CHUNKS);
        call.complete(FinishReason.STOP);

        owner.client().await(t -> isEvent(t, "stream_complete"));
        assertThat(intruder.pid()).isNotEqualTo(first.pid());
        assertThat(owner.pid()).isEqualTo(first.pid());
        assertThat(indexes(events(owner.client(), "stream_chunk"))).isEqualTo(IntStream.range(3, CHUNKS).boxed().toList());
        assertThat(intruder.client().texts().stream().filter(t -> t.startsWith("42/stream,"))).isEmpty();
    }

    @Test
    void a_client_back_before_the_server_saw_its_old_connection_die_takes_it_over() {
        start();
        Joined first = join("");
        first.client().send(REQUEST);
        ScriptedStream call = provider.nextCall();
        play(call, 0, 3);
        first.client().await(t -> isEvent(t, "stream_chunk") && event(t).path("index").asInt() == 2);
        String offset = lastOffset(first.client());

        // the old connection is still open as far as the server knows
        Joined second = join(reconnect(first.pid(), Optional.of(offset), Optional.empty()));
        play(call, 3, CHUNKS);
        call.complete(FinishReason.STOP);

        second.client().await(t -> isEvent(t, "stream_complete"));
        assertThat(second.pid()).isEqualTo(first.pid());
        assertThat(indexes(events(second.client(), "stream_chunk"))).isEqualTo(IntStream.range(3, CHUNKS).boxed().toList());
        assertThat(first.client().awaitClose().code()).isEqualTo(1001);
    }
}
