package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Smoothing over the real WebSocket: an OpenAI-compatible replay streams words cut in two, one
 * word every 20 ms; a client that asks for {@code smooth: word} gets whole words, a
 * window apart, and the same chunks again when it resumes.
 */
class StreamSmoothingEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WORDS = 120;
    private static final int WINDOW_MS = 400;
    private static final Map<String, Object> SMOOTH = Map.of("chunking", "word", "maxDelayMs", WINDOW_MS);

    private final SseReplayServer openai = SseReplayServer.start();
    private ServerApp app;

    @BeforeEach
    void start() {
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(),
                "OPENAI_API_KEY", "sk-e2e"))), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        openai.close();
    }

    /** Every word is two deltas, split inside the word: {@code "wo"}, {@code "rd7 "}. */
    private static List<String> deltas() {
        return IntStream.range(0, WORDS).boxed()
                .flatMap(i -> java.util.stream.Stream.of("wo", "rd" + i + (i % 9 == 8 ? "\n" : " ")))
                .toList();
    }

    private static String fullText() {
        return String.join("", deltas());
    }

    /**
     * One write per word (the replay server writes up to each LF blank line), its two deltas
     * separated by a CR blank line, which SSE allows and the replay server does not split on: a word's
     * halves arrive together, so only a stall of the server itself longer than the window could
     * send half a word on its own (which the rule allows, and which this busy machine must not fake).
     */
    private static String answer() {
        var sse = new StringBuilder();
        List<String> deltas = deltas();
        for (int i = 0; i < deltas.size(); i++) {
            sse.append(event("{\"content\":" + quote(deltas.get(i)) + "}", "null", i % 2 == 0 ? "\r\r" : "\n\n"));
        }
        sse.append(event("{}", "\"stop\"", "\n\n"));
        sse.append("data: [DONE]\n\n");
        return sse.toString();
    }

    private static String event(String delta, String finish, String blankLine) {
        return "data: {\"id\":\"c-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}" + blankLine;
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> texts(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.path("chunk").asText()).toList();
    }

    private static List<Integer> indexes(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.path("index").asInt()).toList();
    }

    @Test
    void a_bursty_stream_arrives_as_whole_words_a_window_apart_with_the_first_chunk_at_once() {
        openai.enqueue(Reply.sse(answer()).pacedBy(Duration.ofMillis(20)));
        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("stream_request", Map.of("message", "Tell me", "smooth", SMOOTH));

            JsonNode complete = client.await("stream_complete");

            List<JsonNode> chunks = client.events("stream_chunk");
            List<String> texts = texts(chunks);
            assertThat(texts.getFirst()).as("the first delta, whole and at once").isEqualTo("wo");
            assertThat(String.join("", texts)).isEqualTo(complete.path("fullText").asText()).isEqualTo(fullText());
            assertThat(indexes(chunks)).isEqualTo(IntStream.range(0, chunks.size()).boxed().toList());
            assertThat(chunks.size()).as("far fewer chunks than deltas").isBetween(3, deltas().size() / 10);
            assertThat(texts.subList(1, texts.size())).as("whole words")
                    .allSatisfy(text -> assertThat(text).matches("(?s).*\\s"));
            // the window runs from when the server held the text; the frame's timestamp is read a moment
            // later, and on a busy machine that moment has been seen to take 8 ms: allow 50 (unsmoothed
            // chunks would come 20 ms apart)
            for (int i = 1; i < chunks.size() - 1; i++) {
                Duration gap = Duration.between(at(chunks.get(i - 1)), at(chunks.get(i)));
                assertThat(gap).as("gap before chunk %d", i).isGreaterThanOrEqualTo(Duration.ofMillis(WINDOW_MS - 50));
            }
        }
    }

    @Test
    void a_resume_after_a_cut_replays_the_same_boundaries_and_the_rest() {
        openai.enqueue(Reply.sse(answer()).pacedBy(Duration.ofMillis(20)));
        WsTestClient first = WsTestClient.connect(app.port());
        first.send("stream_request", Map.of("message", "Tell me", "smooth", SMOOTH));
        JsonNode cut = first.await("stream_chunk", c -> c.path("index").asInt() >= 2);
        String sessionId = cut.path("sessionId").asText();
        first.abort();
        List<String> held = texts(first.events("stream_chunk"));

        try (WsTestClient second = WsTestClient.connect(app.port())) {
            second.send("stream_resume", Map.of("sessionId", sessionId, "fromIndex", 0));
            JsonNode complete = second.await("stream_complete");

            List<JsonNode> chunks = second.events("stream_chunk");
            assertThat(texts(chunks).subList(0, held.size())).as("the boundaries the first client saw").isEqualTo(held);
            assertThat(indexes(chunks)).isEqualTo(IntStream.range(0, chunks.size()).boxed().toList());
            assertThat(texts(chunks).stream().collect(Collectors.joining())).isEqualTo(fullText())
                    .isEqualTo(complete.path("fullText").asText());
        }
    }

    private static Instant at(JsonNode frame) {
        return Instant.parse(frame.path("timestamp").asText());
    }
}
