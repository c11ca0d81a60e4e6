package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.testing.RecordedRequest;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.application.testing.Eventually;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Band Jam end to end: the whole server (embedded PostgreSQL) with an OpenAI-compatible replay
 * server upstream and a real WebSocket client on the native protocol.
 */
class BandEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int CHUNKS = 12;

    private final SseReplayServer openai = SseReplayServer.start();
    private ServerApp app;

    private void start(Map<String, String> extra) {
        var env = new HashMap<>(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(), "OPENAI_API_KEY", "sk-e2e",
                "VCTT_ROUTES", "*=gpt-4o"));
        env.putAll(extra);
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(env)), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        openai.close();
    }

    /** An answer of {@link #CHUNKS} pieces named after {@code voice}, then usage and [DONE]. */
    static String answer(String voice) {
        var sse = new StringBuilder();
        for (int i = 0; i < CHUNKS; i++) {
            sse.append(event("{\"content\":" + quote(voice + i + " ") + "}", "null"));
        }
        return sse.append(end(CHUNKS)).toString();
    }

    static String text(String voice) {
        return IntStream.range(0, CHUNKS).mapToObj(i -> voice + i + " ").collect(Collectors.joining());
    }

    static String single(String content) {
        return event("{\"content\":" + quote(content) + "}", "null") + end(5);
    }

    private static String end(int completionTokens) {
        return event("{}", "\"stop\"")
                + "data: {\"id\":\"c-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":" + completionTokens + ",\"total_tokens\":"
                + (completionTokens + 20) + "}}\n\ndata: [DONE]\n\n";
    }

    private static String event(String delta, String finish) {
        return "data: {\"id\":\"c-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
    }

    @Test
    void five_members_stream_interleaved_on_one_socket_then_the_synthesis_and_a_scored_verdict() {
        // given five paced answers, a synthesis and a verdict upstream
        start(Map.of());
        List<String> voices = List.of("alpha", "bravo", "charlie", "delta", "echo");
        for (String voice : voices) {
            openai.enqueue(Reply.sse(answer(voice)).inWritesOf(150).pacedBy(Duration.ofMillis(15)));
        }
        openai.enqueue(Reply.sse(single("The synthesis.")));
        openai.enqueue(Reply.sse(single("It holds up.\nSCORE: 0.75\nFLAGS: none")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("band_request", Map.of("message", "Should we ship on Friday?", "requestId", "b-1",
                    "roles", List.of("analyst", "relational", "ethics", "primary", "analyst")));
            JsonNode complete = client.await("band_complete");

            // then every member streamed its own gapless indexes, tagged with the band and its role
            JsonNode bandStart = client.events("band_start").getFirst();
            String bandId = bandStart.path("bandId").asText();
            assertThat(bandStart.path("requestId").asText()).isEqualTo("b-1");
            var members = new ArrayList<String>();
            bandStart.path("members").forEach(m -> members.add(m.path("sessionId").asText()));
            assertThat(members).hasSize(5).doesNotHaveDuplicates();
            var texts = new HashSet<String>();
            for (String member : members) {
                List<JsonNode> chunks = client.events("stream_chunk").stream()
                        .filter(c -> c.path("sessionId").asText().equals(member)).toList();
                assertThat(chunks).extracting(c -> c.path("index").asInt())
                        .isEqualTo(IntStream.range(0, CHUNKS).boxed().toList());
                assertThat(chunks).allSatisfy(c -> assertThat(c.path("bandId").asText()).isEqualTo(bandId));
                texts.add(chunks.stream().map(c -> c.path("chunk").asText()).collect(Collectors.joining()));
            }
            assertThat(texts).containsExactlyInAnyOrderElementsOf(voices.stream().map(BandEndToEndIT::text).toList());
            assertThat(interleavings(client.frames(), Set.copyOf(members))).as("members interleave").isGreaterThan(4);

            // the synthesis started after every member ended, and its prompt quoted them all
            List<JsonNode> frames = client.frames();
            int lastMemberEnd = lastIndexOf(frames, f -> f.path("event").asText().equals("stream_complete")
                    && members.contains(f.path("data").path("sessionId").asText()));
            int synthesisStart = lastIndexOf(frames, f -> f.path("event").asText().equals("stream_start")
                    && f.path("data").path("agentRole").asText().equals("synthesiser"));
            assertThat(synthesisStart).isGreaterThan(lastMemberEnd);
            List<RecordedRequest> requests = openai.requests();
            assertThat(requests).hasSize(7);
            String synthesisPrompt = requests.get(5).body();
            for (String voice : voices) {
                assertThat(synthesisPrompt).contains(text(voice).strip());
            }
            assertThat(requests.get(6).body()).contains("The synthesis.", "SCORE:");

            // band_complete adds up, and matches what the ledger holds
            assertThat(complete.path("bandId").asText()).isEqualTo(bandId);
            assertThat(complete.path("synthesis").asText()).isEqualTo("The synthesis.");
            assertThat(complete.path("verdict").path("score").decimalValue()).isEqualByComparingTo("0.75");
            assertThat(complete.path("verdict").path("flags")).isEmpty();
            assertThat(complete.path("members")).hasSize(7)
                    .allSatisfy(m -> assertThat(m.path("outcome").asText()).isEqualTo("completed"));
            BigDecimal sum = BigDecimal.ZERO;
            for (JsonNode member : complete.path("members")) {
                sum = sum.add(member.path("cost").decimalValue());
            }
            BigDecimal total = sum;
            assertThat(complete.path("totalCost").decimalValue()).isEqualByComparingTo(total).isPositive();
            assertThat(becomes(() -> json(get("/api/stats")).path("total").path("spend").decimalValue()
                    .compareTo(total) == 0)).as("the ledger holds what band_complete says").isTrue();

            // the band is kept, with its members, and counted in the committee statistics
            assertThat(becomes(() -> json(get("/api/bands/" + bandId)).path("members").size() == 7)).isTrue();
            JsonNode stored = json(get("/api/bands/" + bandId));
            assertThat(stored.path("verdict").path("score").decimalValue()).isEqualByComparingTo("0.75");
            assertThat(stored.path("synthesis").asText()).isEqualTo("The synthesis.");
            assertThat(stored.path("totalCost").decimalValue()).isEqualByComparingTo(total);
            assertThat(stored.path("members").get(0).path("used").asBoolean()).isTrue();
            JsonNode bands = json(get("/api/stats")).path("bands");
            assertThat(bands.path("bands").asInt()).isEqualTo(1);
            assertThat(bands.path("averageScore").decimalValue()).isEqualByComparingTo("0.75");
            JsonNode analyst = null;
            for (JsonNode row : bands.path("byRoleAndModel")) {
                if (row.path("role").asText().equals("analyst")) {
                    analyst = row;
                }
            }
            assertThat(analyst).isNotNull();
            assertThat(analyst.path("members").asInt()).isEqualTo(2);
            assertThat(analyst.path("used").asInt()).isEqualTo(2);
            assertThat(json(get("/api/bands/band-none")).path("code").asText()).isEqualTo("BAND_NOT_FOUND");
        }
    }

    @Test
    void band_cancel_closes_every_upstream_and_ends_the_band_cancelled() {
        // given three long answers running
        start(Map.of());
        for (String voice : List.of("a", "b", "c")) {
            openai.enqueue(Reply.sse(answer(voice)).inWritesOf(120).pacedBy(Duration.ofMillis(300)));
        }
        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("band_request", Map.of("message", "Long one?"));
            String bandId = client.await("band_start").path("bandId").asText();
            assertThat(becomes(() -> client.events("stream_chunk").stream().map(c -> c.path("sessionId").asText())
                    .distinct().count() == 3)).isTrue();

            // when
            client.send("band_cancel", Map.of("bandId", bandId));

            // then
            for (int i = 0; i < 3; i++) {
                assertThat(openai.awaitAbandonedByClient(WAIT)).as("upstream %d closed", i).isTrue();
            }
            JsonNode complete = client.await("band_complete");
            assertThat(complete.path("cancelled").asBoolean()).isTrue();
            assertThat(complete.path("synthesis").isNull()).isTrue();
            assertThat(complete.path("members")).allSatisfy(m -> assertThat(m.path("outcome").asText()).isEqualTo("cancelled"));
            assertThat(client.events("stream_complete")).allSatisfy(c ->
                    assertThat(c.path("finishReason").asText()).isEqualTo("cancelled"));
            assertThat(openai.requests()).hasSize(3);
        }
    }

    @Test
    void a_band_over_the_daily_budget_is_refused_before_any_provider_call() {
        // given
        start(Map.of("VCTT_DAILY_BUDGET_USD", "0.0001"));
        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("band_request", Map.of("message", "Should we?", "requestId", "b-2"));

            // then
            JsonNode error = client.await("stream_error");
            assertThat(error.path("code").asText()).isEqualTo("BUDGET_EXCEEDED");
            assertThat(error.path("requestId").asText()).isEqualTo("b-2");
            assertThat(openai.requests()).isEmpty();
            assertThat(client.events("band_start")).isEmpty();
        }
    }

    @Test
    void a_bad_band_request_gets_a_typed_error_naming_the_fields() {
        start(Map.of());
        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("band_request", Map.of("message", "q", "roles", List.of("poet", 3), "quorum", "two"));
            JsonNode error = client.await("stream_error");
            assertThat(error.path("code").asText()).isEqualTo("VALIDATION_ERROR");
            assertThat(error.path("error").asText()).contains("roles[1]", "quorum");

            client.send("band_cancel", Map.of("bandId", "band-nope"));
            JsonNode notFound = client.await("stream_error", e -> e.path("bandId").asText().equals("band-nope"));
            assertThat(notFound.path("code").asText()).isEqualTo("STREAM_NOT_FOUND");
        }
    }

    @Test
    void a_member_resumes_on_a_new_socket_with_an_ordinary_stream_resume() {
        // given a one-member band whose client drops mid-answer
        start(Map.of("VCTT_CHUNK_LOG_FLUSH_MS", "50"));
        openai.enqueue(Reply.sse(answer("solo")).inWritesOf(120).pacedBy(Duration.ofMillis(40)));
        openai.enqueue(Reply.sse(single("Synthesised.")));
        WsTestClient first = WsTestClient.connect(app.port());
        first.send("band_request", Map.of("message", "Alone?", "roles", List.of("analyst"), "verification", false));
        JsonNode cut = first.await("stream_chunk", c -> c.path("index").asInt() >= 2);
        String member = cut.path("sessionId").asText();
        first.abort();
        int holds = first.events("stream_chunk").getLast().path("index").asInt() + 1;

        // when
        try (WsTestClient second = WsTestClient.connect(app.port())) {
            second.send("stream_resume", Map.of("sessionId", member, "fromIndex", holds));
            JsonNode complete = second.await("stream_complete", c -> c.path("sessionId").asText().equals(member));

            // then
            assertThat(second.events("stream_chunk")).extracting(c -> c.path("index").asInt())
                    .isEqualTo(IntStream.range(holds, CHUNKS).boxed().toList());
            assertThat(complete.path("fullText").asText()).isEqualTo(text("solo"));
        }
    }

    private static int interleavings(List<JsonNode> frames, Set<String> members) {
        int switches = 0;
        String last = null;
        for (JsonNode frame : frames) {
            String session = frame.path("data").path("sessionId").asText();
            if (frame.path("event").asText().equals("stream_chunk") && members.contains(session)) {
                if (last != null && !last.equals(session)) {
                    switches++;
                }
                last = session;
            }
        }
        return switches;
    }

    private static int lastIndexOf(List<JsonNode> frames, java.util.function.Predicate<JsonNode> matching) {
        int found = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (matching.test(frames.get(i))) {
                found = i;
            }
        }
        return found;
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean becomes(BooleanSupplier condition) {
        try {
            Eventually.becomes(condition);
            return true;
        } catch (AssertionError e) {
            return false;
        }
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
