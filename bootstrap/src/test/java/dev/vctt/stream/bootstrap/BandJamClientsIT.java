package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Band Jam from real clients on the offline demo model: the official socket.io-client and the test
 * page in headless Chromium. Skipped without node or Chromium (failed with CI=true).
 */
class BandJamClientsIT {

    private ServerApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private void demoServer() {
        app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("VCTT_DEMO_TOKENS_PER_SECOND", "150"))),
                Clock.systemUTC());
    }

    @Test
    @Timeout(value = NodeTools.SETUP_MINUTES + 2, unit = TimeUnit.MINUTES)
    void a_socket_io_client_runs_a_band_with_an_ack_and_tagged_member_events() {
        NodeTools.requirePackages();
        demoServer();

        try (NodeScript script = NodeScript.start("sio-band.js", Integer.toString(app.port()))) {
            script.awaitSuccess(Duration.ofMinutes(1));

            JsonNode seen = script.awaitJson(j -> j.path("done").asBoolean(), Duration.ofSeconds(5));
            String bandId = seen.path("bandStart").path("bandId").asText();
            assertThat(seen.path("ack").path("accepted").asBoolean()).isTrue();
            assertThat(seen.path("ack").path("bandId").asText()).isEqualTo(bandId);
            assertThat(seen.path("tagged").asBoolean()).isTrue();
            var members = new ArrayList<String>();
            seen.path("bandStart").path("members").forEach(m -> members.add(m.path("sessionId").asText()));
            assertThat(members).hasSize(2);
            for (String member : members) {
                var indexes = new ArrayList<Integer>();
                seen.path("chunks").path(member).forEach(i -> indexes.add(i.asInt()));
                assertThat(indexes).isNotEmpty().isEqualTo(IntStream.range(0, indexes.size()).boxed().toList());
            }
            JsonNode complete = seen.path("complete");
            assertThat(complete.path("bandId").asText()).isEqualTo(bandId);
            assertThat(complete.path("members")).hasSize(4);
            assertThat(complete.path("synthesis").asText()).isNotBlank();
            assertThat(complete.path("requestId").asText()).isEqualTo("sio-band");
        }
    }

    @Test
    @Timeout(value = NodeTools.SETUP_MINUTES + 2, unit = TimeUnit.MINUTES)
    void a_socket_io_client_sees_a_failed_and_a_fallen_back_member_tagged_then_band_cancel_closes_every_upstream() {
        // given a provider that refuses one member and overloads another, whose fallback and the third member run long
        NodeTools.requirePackages();
        try (SseReplayServer openai = SseReplayServer.start()) {
            app = ServerApp.start(AppConfig.fromEnv(TestEnvironment.of(Map.of("OPENAI_BASE_URL", openai.baseUrl().toString(),
                    "OPENAI_API_KEY", "sk-e2e", "VCTT_ROUTES", "*=gpt-4o>gpt-4o-mini"))), Clock.systemUTC());
            openai.enqueue(Reply.status(400, "{\"error\":{\"message\":\"bad request\",\"type\":\"invalid_request_error\"}}"));
            openai.enqueue(Reply.status(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
            for (int i = 0; i < 2; i++) {
                openai.enqueue(Reply.sse(BandEndToEndIT.answer("long")).inWritesOf(100).pacedBy(Duration.ofMillis(300)));
            }

            // when the script cancels the band once it saw the failure, the fallback and both running members
            try (NodeScript script = NodeScript.start("sio-band-faults.js", Integer.toString(app.port()))) {
                script.awaitSuccess(Duration.ofMinutes(1));
                JsonNode seen = script.awaitJson(j -> j.path("done").asBoolean(), Duration.ofSeconds(5));

                // then every event was tagged with the band and its member's role, on Socket.IO as on the native protocol
                String bandId = seen.path("bandStart").path("bandId").asText();
                assertThat(seen.path("ack").path("accepted").asBoolean()).isTrue();
                assertThat(seen.path("errors")).hasSize(1);
                JsonNode error = seen.path("errors").get(0);
                assertThat(error.path("bandId").asText()).isEqualTo(bandId);
                assertThat(error.path("agentRole").asText()).isIn("analyst", "relational", "ethics");
                assertThat(error.path("code").asText()).isNotBlank();
                JsonNode fallback = seen.path("fallbacks").get(0);
                assertThat(fallback.path("bandId").asText()).isEqualTo(bandId);
                assertThat(fallback.path("to").asText()).isEqualTo("gpt-4o-mini");
                assertThat(seen.path("chunks").properties()).hasSize(2).allSatisfy(member -> {
                    var indexes = new ArrayList<Integer>();
                    member.getValue().forEach(c -> {
                        indexes.add(c.path("index").asInt());
                        assertThat(c.path("bandId").asText()).isEqualTo(bandId);
                    });
                    assertThat(indexes).isEqualTo(IntStream.range(0, indexes.size()).boxed().toList());
                });
                assertThat(seen.path("cancelAck").path("bandId").asText()).isEqualTo(bandId);

                // and band_cancel closed both running upstreams and ended the band cancelled, without a synthesis
                for (int i = 0; i < 2; i++) {
                    assertThat(openai.awaitAbandonedByClient(Duration.ofSeconds(15))).as("upstream %d closed", i).isTrue();
                }
                JsonNode complete = seen.path("complete");
                assertThat(complete.path("cancelled").asBoolean()).isTrue();
                assertThat(complete.path("synthesis").isNull()).isTrue();
                List<String> outcomes = new ArrayList<>();
                complete.path("members").forEach(m -> outcomes.add(m.path("outcome").asText()));
                assertThat(outcomes).containsExactlyInAnyOrder("failed", "cancelled", "cancelled");
                assertThat(openai.requests()).hasSize(4);
            }
        }
    }

    @Test
    @Timeout(value = NodeTools.SETUP_MINUTES + 3, unit = TimeUnit.MINUTES)
    void the_test_page_in_band_jam_mode_shows_one_pane_per_member_then_the_synthesis_and_verdict() {
        NodeTools.requirePackages();
        NodeTools.chromium();
        demoServer();

        try (NodeScript script = NodeScript.start("browser-band.js", Map.of("CHROMIUM_PATH",
                NodeTools.chromium().toString()), Integer.toString(app.port()))) {
            script.awaitSuccess(Duration.ofMinutes(2));

            JsonNode streaming = script.awaitJson(j -> j.path("step").asText().equals("streaming"), Duration.ofSeconds(5));
            assertThat(streaming.path("members")).extracting(JsonNode::asText).startsWith("analyst", "relational", "ethics");
            JsonNode complete = script.awaitJson(j -> j.path("step").asText().equals("complete"), Duration.ofSeconds(5));
            List<String> roles = new ArrayList<>();
            complete.path("members").forEach(m -> roles.add(m.path("role").asText()));
            assertThat(roles).containsExactly("analyst", "relational", "ethics", "synthesiser", "verification");
            complete.path("members").forEach(m -> assertThat(m.path("text").asText()).isNotBlank());
            assertThat(complete.path("summary").path("id").asText()).startsWith("band-");
            assertThat(complete.path("summary").path("score").asText()).isNotEqualTo("–");
            assertThat(script.awaitJson(j -> j.path("step").asText().equals("end"), Duration.ofSeconds(5))
                    .path("pageErrors")).isEmpty();
        }
    }
}
