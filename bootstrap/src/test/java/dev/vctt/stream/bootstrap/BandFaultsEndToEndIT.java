package dev.vctt.stream.bootstrap;

import static dev.vctt.stream.bootstrap.BandEndToEndIT.answer;
import static dev.vctt.stream.bootstrap.BandEndToEndIT.single;
import static dev.vctt.stream.bootstrap.BandEndToEndIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Band Jam's faults end to end: the whole server (embedded PostgreSQL), an OpenAI-compatible replay
 * server upstream playing each fault, and a real WebSocket client on the native protocol. The replay
 * server answers requests in the order they arrive and members start at once, so which member meets
 * which fault is not fixed: each test reads from {@code band_complete} which member it was and checks
 * every other event against that.
 */
class BandFaultsEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String OVERLOADED = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}";
    private static final String BAD_REQUEST = "{\"error\":{\"message\":\"bad request\",\"type\":\"invalid_request_error\"}}";

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

    /** A long answer whose every chunk is many tokens, paced so that it is still running when the others are. */
    private static Reply wordy(String voice) {
        var sse = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String words = IntStream.range(0, 40).mapToObj(w -> voice + " word" + w).collect(Collectors.joining(" "));
            sse.append("data: {\"id\":\"c-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",")
                    .append("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"").append(words)
                    .append(" \"},\"finish_reason\":null}]}\n\n");
        }
        sse.append("data: [DONE]\n\n");
        return Reply.sse(sse.toString()).inWritesOf(400).pacedBy(Duration.ofMillis(150));
    }

    @Test
    void members_that_spend_the_bands_pool_are_all_cut_live_with_finish_reason_budget_and_billed_once() {
        // given a band well inside the daily budget, output capped at 2 tokens, and members that write far more
        start(Map.of("VCTT_DAILY_BUDGET_USD", "1", "VCTT_DEFAULT_MAX_TOKENS", "2"));
        for (String voice : List.of("a", "b", "c")) {
            openai.enqueue(wordy(voice));
        }

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("band_request", Map.of("message", "Tell me everything.", "verification", false));
            JsonNode complete = client.await("band_complete");

            // then every member stopped for budget, upstream too, and nothing was asked after them
            List<String> members = sessionsOf(client.events("band_start").getFirst());
            assertThat(complete.path("members")).hasSize(3)
                    .allSatisfy(m -> assertThat(m.path("outcome").asText()).isEqualTo("budget"));
            for (String member : members) {
                JsonNode ended = client.await("stream_complete", c -> c.path("sessionId").asText().equals(member));
                assertThat(ended.path("finishReason").asText()).isEqualTo("budget");
                assertThat(client.events("stream_complete").stream()
                        .filter(c -> c.path("sessionId").asText().equals(member))).as("one end per member").hasSize(1);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(openai.awaitAbandonedByClient(WAIT)).as("upstream %d closed", i).isTrue();
            }
            assertThat(complete.path("synthesis").isNull()).isTrue();
            assertThat(openai.requests()).hasSize(3);

            // each member billed once: the ledger holds exactly what band_complete says, and each member's session its own cost
            BigDecimal total = complete.path("totalCost").decimalValue();
            assertThat(total).isPositive();
            assertThat(becomes(() -> json(get("/api/stats")).path("total").path("spend").decimalValue()
                    .compareTo(total) == 0)).as("the ledger holds what band_complete says").isTrue();
            for (JsonNode member : complete.path("members")) {
                String session = member.path("sessionId").asText();
                assertThat(becomes(() -> json(get("/api/sessions/" + session)).path("cost").decimalValue()
                        .compareTo(member.path("cost").decimalValue()) == 0)).as("session %s billed once", session).isTrue();
            }
        }
    }

    @Test
    void members_failing_before_and_after_their_first_chunk_end_typed_and_the_synthesis_names_them_missing() {
        // given one member refused (400), one cut mid-answer, one that answers
        start(Map.of());
        openai.enqueue(Reply.status(400, BAD_REQUEST));
        openai.enqueue(Reply.sse(answer("cut")).inWritesOf(200).pacedBy(Duration.ofMillis(20)).dropAfter(700));
        openai.enqueue(Reply.sse(answer("whole")).inWritesOf(200).pacedBy(Duration.ofMillis(20)));
        openai.enqueue(Reply.sse(single("Synthesised without two voices.")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("band_request", Map.of("message", "Should we?", "roles", List.of("analyst", "relational", "ethics"),
                    "verification", false));
            JsonNode complete = client.await("band_complete");

            // then two members failed, typed, one before and one after its first chunk
            String bandId = complete.path("bandId").asText();
            List<JsonNode> failed = byOutcome(complete, "failed");
            assertThat(failed).hasSize(2);
            assertThat(byOutcome(complete, "completed")).hasSize(2); // the member that answered, and the synthesis
            var chunksBeforeError = new ArrayList<Integer>();
            for (JsonNode member : failed) {
                String session = member.path("sessionId").asText();
                JsonNode error = client.await("stream_error", e -> e.path("sessionId").asText().equals(session));
                assertThat(error.path("code").asText()).isNotBlank();
                assertThat(error.path("bandId").asText()).isEqualTo(bandId);
                assertThat(error.path("agentRole").asText()).isEqualTo(member.path("agentRole").asText());
                chunksBeforeError.add((int) client.events("stream_chunk").stream()
                        .filter(c -> c.path("sessionId").asText().equals(session)).count());
            }
            assertThat(chunksBeforeError).as("one failed before its first chunk, one after").contains(0)
                    .anySatisfy(count -> assertThat(count).isPositive());

            // the synthesis quotes the one answer and names the two missing voices
            String synthesisPrompt = openai.requests().get(3).body();
            assertThat(synthesisPrompt).contains(text("whole").strip()).doesNotContain("cut0");
            List<String> missing = failed.stream().map(m -> m.path("agentRole").asText()).sorted().toList();
            assertThat(synthesisPrompt).containsAnyOf("Missing voices: " + String.join(", ", missing),
                    "Missing voices: " + String.join(", ", missing.reversed()));
            assertThat(complete.path("synthesis").asText()).isEqualTo("Synthesised without two voices.");
            assertThat(becomes(() -> json(get("/api/bands/" + bandId)).path("members").size() == 4)).isTrue();
        }
    }

    @Test
    void a_member_that_falls_back_says_so_tagged_with_its_band_and_still_answers() {
        // given a chain of two models; the first call is overloaded
        start(Map.of("VCTT_ROUTES", "*=gpt-4o>gpt-4o-mini"));
        openai.enqueue(Reply.status(503, OVERLOADED));
        openai.enqueue(Reply.sse(answer("steady")));
        openai.enqueue(Reply.sse(answer("steady")));
        openai.enqueue(Reply.sse(single("Both agree.")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("band_request", Map.of("message", "Should we?", "roles", List.of("analyst", "ethics"),
                    "verification", false));
            JsonNode complete = client.await("band_complete");

            // then
            String bandId = complete.path("bandId").asText();
            List<JsonNode> fallbacks = client.events("stream_fallback");
            assertThat(fallbacks).hasSize(1);
            JsonNode fallback = fallbacks.getFirst();
            assertThat(fallback.path("bandId").asText()).isEqualTo(bandId);
            assertThat(fallback.path("agentRole").asText()).isIn("analyst", "ethics");
            assertThat(fallback.path("from").asText()).isEqualTo("gpt-4o");
            assertThat(fallback.path("to").asText()).isEqualTo("gpt-4o-mini");
            String session = fallback.path("sessionId").asText();
            JsonNode ended = client.await("stream_complete", c -> c.path("sessionId").asText().equals(session));
            assertThat(ended.path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(ended.path("fallbackUsed").asBoolean()).isTrue();
            assertThat(complete.path("members")).hasSize(3)
                    .allSatisfy(m -> assertThat(m.path("outcome").asText()).isEqualTo("completed"));
            for (JsonNode member : complete.path("members")) {
                assertThat(member.path("model").asText()).as("band_complete names the model that answered")
                        .isEqualTo(member.path("sessionId").asText().equals(session) ? "gpt-4o-mini" : "gpt-4o");
            }
            assertThat(openai.requests().get(3).body()).doesNotContain("Missing voices");
        }
    }

    @Test
    void with_a_quorum_the_synthesis_starts_once_enough_members_answered_and_the_straggler_is_stopped_upstream() {
        // given two quicker answers and one slow one; the quicker ones still take a second or two, so the
        // third member's request has surely reached the provider (and taken the slow answer) before the quorum
        start(Map.of());
        openai.enqueue(Reply.sse(answer("quick")).inWritesOf(150).pacedBy(Duration.ofMillis(100)));
        openai.enqueue(Reply.sse(answer("quick")).inWritesOf(150).pacedBy(Duration.ofMillis(100)));
        openai.enqueue(Reply.sse(answer("slow")).inWritesOf(120).pacedBy(Duration.ofMillis(400)));
        openai.enqueue(Reply.sse(single("Two of three.")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("band_request", Map.of("message", "Should we?", "quorum", 2, "verification", false));
            JsonNode complete = client.await("band_complete");

            // then the straggler was cut at the provider and the synthesis went on without it
            assertThat(openai.awaitAbandonedByClient(WAIT)).as("the straggler's upstream closed").isTrue();
            List<JsonNode> stopped = byOutcome(complete, "cancelled");
            assertThat(stopped).hasSize(1);
            String straggler = stopped.getFirst().path("sessionId").asText();
            assertThat(client.await("stream_complete", c -> c.path("sessionId").asText().equals(straggler))
                    .path("finishReason").asText()).isEqualTo("cancelled");
            String synthesisPrompt = openai.requests().get(3).body();
            assertThat(synthesisPrompt).contains(text("quick").strip(), "Missing voices: "
                    + stopped.getFirst().path("agentRole").asText());
            assertThat(complete.path("synthesis").asText()).isEqualTo("Two of three.");
            assertThat(complete.path("cancelled").asBoolean()).isFalse();
        }
    }

    @Test
    void the_member_timeout_stops_the_slow_member_upstream_and_the_synthesis_goes_on_without_it() {
        // given one quick answer and one that would take about eight seconds
        start(Map.of());
        openai.enqueue(Reply.sse(answer("quick")));
        openai.enqueue(Reply.sse(answer("slow")).inWritesOf(100).pacedBy(Duration.ofMillis(400)));
        openai.enqueue(Reply.sse(single("Only one spoke.")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            // when
            client.send("band_request", Map.of("message", "Should we?", "roles", List.of("analyst", "ethics"),
                    "memberTimeoutMs", 1500, "verification", false));
            JsonNode complete = client.await("band_complete");

            // then
            assertThat(openai.awaitAbandonedByClient(WAIT)).as("the slow member's upstream closed").isTrue();
            List<JsonNode> late = byOutcome(complete, "timed_out");
            assertThat(late).hasSize(1);
            String slow = late.getFirst().path("sessionId").asText();
            assertThat(client.await("stream_complete", c -> c.path("sessionId").asText().equals(slow))
                    .path("finishReason").asText()).isEqualTo("cancelled");
            assertThat(openai.requests().get(2).body()).contains(text("quick").strip(), "Missing voices: "
                    + late.getFirst().path("agentRole").asText());
            assertThat(complete.path("synthesis").asText()).isEqualTo("Only one spoke.");
        }
    }

    @Test
    void stream_cancel_of_one_member_stops_only_that_member_and_the_band_goes_on_without_it() {
        // given one slow member among quick ones
        start(Map.of());
        openai.enqueue(Reply.sse(answer("slow")).inWritesOf(100).pacedBy(Duration.ofMillis(300)));
        openai.enqueue(Reply.sse(answer("quick")).inWritesOf(100).pacedBy(Duration.ofMillis(300)));
        openai.enqueue(Reply.sse(single("Without one.")));

        try (WsTestClient client = WsTestClient.connect(app.port())) {
            client.send("band_request", Map.of("message", "Should we?", "roles", List.of("analyst", "ethics"),
                    "verification", false));
            JsonNode first = client.await("stream_chunk");
            String cancelled = first.path("sessionId").asText();

            // when
            client.send("stream_cancel", Map.of("sessionId", cancelled));
            JsonNode complete = client.await("band_complete");

            // then only that member stopped, at the provider too, and the synthesis went on
            assertThat(openai.awaitAbandonedByClient(WAIT)).isTrue();
            assertThat(byOutcome(complete, "cancelled")).extracting(m -> m.path("sessionId").asText())
                    .containsExactly(cancelled);
            assertThat(byOutcome(complete, "completed")).hasSize(2);
            assertThat(complete.path("cancelled").asBoolean()).isFalse();
            assertThat(openai.requests().get(2).body()).contains("Missing voices: " + first.path("agentRole").asText());
            assertThat(complete.path("synthesis").asText()).isEqualTo("Without one.");
        }
    }

    private static List<String> sessionsOf(JsonNode bandStart) {
        var sessions = new ArrayList<String>();
        bandStart.path("members").forEach(m -> sessions.add(m.path("sessionId").asText()));
        return sessions;
    }

    private static List<JsonNode> byOutcome(JsonNode complete, String outcome) {
        var found = new ArrayList<JsonNode>();
        complete.path("members").forEach(m -> {
            if (m.path("outcome").asText().equals(outcome)) {
                found.add(m);
            }
        });
        return found;
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
