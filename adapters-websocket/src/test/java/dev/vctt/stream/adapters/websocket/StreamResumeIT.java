package dev.vctt.stream.adapters.websocket;

import static dev.vctt.stream.application.testing.Eventually.becomes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.adapters.websocket.socketio.SocketIoSettings;
import dev.vctt.stream.adapters.websocket.testing.RawFrameClient;
import dev.vctt.stream.adapters.websocket.testing.RawWsClient;
import dev.vctt.stream.adapters.websocket.testing.TestWebServer;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.session.SessionId;
import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.service.LiveKeys;
import dev.vctt.stream.application.service.ResumeSettings;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.SleepingScheduler;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.ScriptedLlmProvider;
import dev.vctt.stream.application.testing.ScriptedStream;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.session.FinishReason;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resume through real sockets on a real Tyrus server, both protocols: the first connection is cut
 * (TCP dropped, no close frame) after chunk k, and a new connection of the same caller resumes.
 */
class StreamResumeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNKS = 200;
    private static final List<Integer> CUTS = IntStream.rangeClosed(0, CHUNKS - 1)
            .filter(k -> k < 3 || k % 23 == 0 || k > CHUNKS - 4).boxed().toList();

    private final ScriptedLlmProvider provider = new ScriptedLlmProvider();
    private final ActiveStreams active = new ActiveStreams(4);
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final InMemorySessionStore store = new InMemorySessionStore();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private WebServer server;

    private void start(AuthenticateClientUseCase authenticate, ConnectionLimits limits) {
        server = TestWebServer.start(new WebServerSettings("127.0.0.1", 0, limits, List.of(), Duration.ofSeconds(30))
                        .withSocketIo(SocketIoSettings.DEFAULTS), new RequestLimits(2000, 1000, 5, 10_000, 4096),
                provider, active, authenticate, store, new MicrometerStreamMetrics(),
                ResumeSettings.DEFAULTS);
    }

    private void start() {
        start(AuthenticateClientService.open(), ConnectionLimits.DEFAULTS);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String piece(int i) {
        return (i % 11 == 0 ? "é" : "w") + i + (i % 7 == 0 ? "\n" : " ");
    }

    private static String fullText() {
        return IntStream.range(0, CHUNKS).mapToObj(StreamResumeIT::piece).collect(Collectors.joining());
    }

    private static void play(ScriptedStream call, int from, int to) {
        for (int i = from; i < to; i++) {
            call.delta(piece(i));
        }
    }

    private WsTestClient nativeClient(Optional<String> token) {
        WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/stream"
                + token.map(t -> "?token=" + t).orElse("")), null);
        clients.add(client);
        return client;
    }

    private WsTestClient nativeClient() {
        return nativeClient(Optional.empty());
    }

    @Test
    void native_a_cut_after_any_chunk_and_a_resume_on_a_new_connection_give_the_full_text_once() {
        start();
        for (int k : CUTS) {
            // given a first connection that received chunks 0..k, then lost its TCP connection
            WsTestClient first = nativeClient();
            first.send("stream_request", Map.of("message", "Tell me a story"));
            ScriptedStream call = provider.nextCall();
            play(call, 0, k + 1);
            String sessionId = first.await("stream_chunk", c -> c.path("index").asInt() == k).path("sessionId").asText();
            first.abort();
            play(call, k + 1, Math.min(CHUNKS, k + 3));

            // when a new connection resumes after the last chunk the first one holds
            WsTestClient second = nativeClient();
            second.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", k + 1));
            if (k + 1 < CHUNKS) {
                second.await("stream_chunk", c -> c.path("index").asInt() >= k + 1);
            }
            play(call, Math.min(CHUNKS, k + 3), CHUNKS);
            call.complete(FinishReason.STOP);

            // then
            JsonNode complete = second.await("stream_complete");
            List<JsonNode> before = first.events("stream_chunk").stream()
                    .filter(c -> c.path("sessionId").asText().equals(sessionId)).toList();
            List<JsonNode> after = second.events("stream_chunk");
            assertThat(indexes(before)).as("cut after %d", k).startsWith(IntStream.rangeClosed(0, k).boxed().toArray(Integer[]::new));
            assertThat(indexes(after)).as("cut after %d", k).isEqualTo(IntStream.range(k + 1, CHUNKS).boxed().toList());
            assertThat(text(before.subList(0, k + 1)) + text(after)).isEqualTo(fullText());
            assertThat(complete.path("fullText").asText()).isEqualTo(fullText());
            assertThat(second.events("stream_error")).isEmpty();
        }
    }

    @Test
    void socket_io_a_cut_after_any_chunk_and_a_resume_on_a_new_connection_give_the_full_text_once() {
        start();
        for (int k : CUTS) {
            RawWsClient first = joined();
            first.send("42/stream,[\"stream_request\",{\"message\":\"Tell me a story\"}]");
            ScriptedStream call = provider.nextCall();
            play(call, 0, k + 1);
            String sessionId = event(first.await(t -> isEvent(t, "stream_chunk") && event(t).path("index").asInt() == k))
                    .path("sessionId").asText();
            first.abort();
            play(call, k + 1, Math.min(CHUNKS, k + 3));

            RawWsClient second = joined();
            second.send("42/stream,[\"stream_resume\",{\"sessionId\":\"" + sessionId + "\",\"fromIndex\":" + (k + 1) + "}]");
            if (k + 1 < CHUNKS) {
                second.await(t -> isEvent(t, "stream_chunk"));
            }
            play(call, Math.min(CHUNKS, k + 3), CHUNKS);
            call.complete(FinishReason.STOP);

            JsonNode complete = event(second.await(t -> isEvent(t, "stream_complete")));
            List<JsonNode> before = events(first, "stream_chunk");
            List<JsonNode> after = events(second, "stream_chunk");
            assertThat(indexes(before)).as("cut after %d", k).startsWith(IntStream.rangeClosed(0, k).boxed().toArray(Integer[]::new));
            assertThat(indexes(after)).as("cut after %d", k).isEqualTo(IntStream.range(k + 1, CHUNKS).boxed().toList());
            assertThat(text(before.subList(0, k + 1)) + text(after)).isEqualTo(fullText());
            assertThat(complete.path("fullText").asText()).isEqualTo(fullText());
        }
    }

    @Test
    void another_keys_resume_and_a_from_index_beyond_the_head_get_one_typed_error_each() {
        IssuedKey alice = keys.issue("alice", Optional.empty(), Instant.parse("2026-11-22T10:00:00Z"));
        IssuedKey bob = keys.issue("bob", Optional.empty(), Instant.parse("2026-11-22T10:00:00Z"));
        start(AuthenticateClientService.withKeys(keys, new LiveKeys(keys, new SleepingScheduler(), Duration.ofSeconds(5))), ConnectionLimits.DEFAULTS);
        WsTestClient first = nativeClient(Optional.of(alice.secret()));
        first.send("stream_request", Map.of("message", "hi"));
        ScriptedStream call = provider.nextCall();
        play(call, 0, 3);
        String sessionId = first.await("stream_chunk", c -> c.path("index").asInt() == 2).path("sessionId").asText();

        WsTestClient intruder = nativeClient(Optional.of(bob.secret()));
        intruder.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", 0));
        intruder.send("stream_resume", Map.of("sessionId", "no-such-stream", "fromIndex", 0));
        WsTestClient owner = nativeClient(Optional.of(alice.secret()));
        owner.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", 4));

        List<JsonNode> refusals = List.of(
                intruder.await("stream_error", e -> e.path("sessionId").asText().equals(sessionId)),
                intruder.await("stream_error", e -> e.path("sessionId").asText().equals("no-such-stream")));
        assertThat(refusals).allSatisfy(error -> {
            assertThat(error.path("code").asText()).isEqualTo("STREAM_NOT_FOUND");
            assertThat(error.path("retryable").asBoolean()).isFalse();
        });
        assertThat(refusals.get(0).path("error").asText().replace(sessionId, "ID"))
                .isEqualTo(refusals.get(1).path("error").asText().replace("no-such-stream", "ID"));
        assertThat(owner.await("stream_error").path("code").asText()).isEqualTo("VALIDATION_ERROR");
        call.complete(FinishReason.STOP);
        first.await("stream_complete");
        assertThat(intruder.events("stream_chunk")).isEmpty();
        assertThat(intruder.events("stream_error")).hasSize(2);
        assertThat(owner.events("stream_error")).hasSize(1);
    }

    @Test
    void a_long_replay_arrives_whole_in_ordinary_chunk_frames_on_a_small_outbox() {
        start(AuthenticateClientService.open(), new ConnectionLimits(64 * 1024, 160 * 1024, 4));
        WsTestClient first = nativeClient();
        first.send("stream_request", Map.of("message", "hi"));
        ScriptedStream call = provider.nextCall();
        int chunks = 3000;
        for (int i = 0; i < chunks; i++) {
            call.delta("chunk number " + i + " of a long answer; ");
        }
        String sessionId = first.await("stream_chunk", c -> c.path("index").asInt() == chunks - 1).path("sessionId").asText();
        call.complete(FinishReason.STOP);
        first.await("stream_complete");

        WsTestClient second = nativeClient();
        second.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", 0));

        JsonNode complete = second.await("stream_complete");
        List<JsonNode> replayed = second.events("stream_chunk");
        assertThat(indexes(replayed)).isEqualTo(IntStream.range(0, chunks).boxed().toList());
        assertThat(text(replayed)).isEqualTo(complete.path("fullText").asText());
        assertThat(second.isClosed()).isFalse();
    }

    @Test
    void a_resumer_that_stops_reading_during_the_replay_is_shed_within_the_patience_and_the_stream_goes_on() {
        // given a running stream of 8 MB that its first client reads whole, and a one-second replay patience
        Duration patience = Duration.ofSeconds(1);
        start(AuthenticateClientService.open(), new ConnectionLimits(64 * 1024, 256 * 1024, 4).withReplayPatience(patience));
        WsTestClient first = nativeClient();
        first.send("stream_request", Map.of("message", "hi"));
        ScriptedStream call = provider.nextCall();
        String kilobyte = "k".repeat(1024);
        int chunks = 8000;
        String sessionId = null;
        for (int sent = 0; sent < chunks; sent += 64) {
            int last = Math.min(chunks, sent + 64) - 1;
            for (int i = sent; i <= last; i++) {
                call.delta(kilobyte);
            }
            // at the first client's pace, so that it is never shed itself
            sessionId = first.await("stream_chunk", c -> c.path("index").asInt() == last).path("sessionId").asText();
        }

        // when a second client, on a small receive window, resumes from 0 and stops reading after one frame
        RawFrameClient resumer = RawFrameClient.connect(server.port(), "/stream", 4096);
        clients.add(resumer);
        resumer.pauseReading();
        becomes(() -> server.connections() == 2);
        long began = System.nanoTime();
        resumer.sendText("{\"event\":\"stream_resume\",\"data\":{\"sessionId\":\"" + sessionId + "\",\"fromIndex\":0}}");

        // then it is shed (its connection gone, its outbox freed) a patience after its buffers fill, not a patience per chunk
        becomes(() -> server.connections() == 1);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertThat(took).isGreaterThanOrEqualTo(patience).isLessThan(patience.multipliedBy(8));
        resumer.resumeReading();
        assertThat(resumer.awaitClose().code()).isEqualTo(1013);
        assertThat(resumer.texts()).noneMatch(t -> t.contains("stream_complete"));

        // and the stream goes on: its next chunk reaches the first client, and it ends whole in the store
        // (the first client leaves before the end: an 8 MB stream_complete would not fit its outbox)
        call.delta("the end");
        first.await("stream_chunk", c -> c.path("index").asInt() == chunks);
        first.close();
        call.complete(FinishReason.STOP);
        SessionId id = SessionId.of(sessionId);
        becomes(() -> store.find(id, Caller.ANONYMOUS).filter(v -> v.status().equals("completed")).isPresent());
        assertThat(store.find(id, Caller.ANONYMOUS).orElseThrow().messages().getLast().content())
                .isEqualTo(kilobyte.repeat(chunks) + "the end");
        assertThat(call.isCancelled()).isFalse();
    }

    private RawWsClient joined() {
        RawWsClient client = RawWsClient.connect(URI.create("ws://127.0.0.1:" + server.port()
                + "/socket.io/?EIO=4&transport=websocket"));
        clients.add(client);
        client.awaitPrefix("0{");
        client.send("40/stream,");
        client.awaitPrefix("40/stream,{");
        return client;
    }

    private static boolean isEvent(String text, String name) {
        return text.startsWith("42/stream,[\"" + name + "\",");
    }

    private static JsonNode event(String frame) {
        try {
            return JSON.readTree(frame.substring("42/stream,".length())).get(1);
        } catch (Exception e) {
            throw new AssertionError("not an event: " + frame, e);
        }
    }

    private static List<JsonNode> events(RawWsClient client, String name) {
        return client.texts().stream().filter(t -> isEvent(t, name)).map(StreamResumeIT::event).toList();
    }

    private static List<Integer> indexes(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.path("index").asInt()).toList();
    }

    private static String text(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.path("chunk").asText()).collect(Collectors.joining());
    }
}
