package dev.vctt.stream.adapters.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.adapters.websocket.testing.TestWebServer;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.ScriptedLlmProvider;
import dev.vctt.stream.application.testing.ScriptedStream;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.session.FinishReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server builds its text frames itself (header and UTF-8 payload, written through Tyrus's
 * raw-frame path): a real client library must read every length form of the header (7-bit for
 * Socket.IO's one-byte pings, covered by its ITs; 16-bit; 64-bit) and every UTF-8 width intact.
 */
class TextFramesIT {

    private final ScriptedLlmProvider provider = new ScriptedLlmProvider();
    private WebServer server;

    @BeforeEach
    void start_server() {
        server = TestWebServer.start(new WebServerSettings("127.0.0.1", 0, new ConnectionLimits(64 * 1024, 1 << 20, 64),
                List.of(), Duration.ofMillis(200)), new RequestLimits(2000, 1000, 5, 10_000, 4096),
                provider, new ActiveStreams(3), AuthenticateClientService.open(), new InMemorySessionStore(),
                new MicrometerStreamMetrics());
    }

    @AfterEach
    void stop_server() {
        server.close();
    }

    @Test
    void chunks_of_every_header_length_and_utf8_width_reach_a_client_library_intact() {
        List<String> texts = List.of(
                "a",                                   // the whole frame under 65 536 bytes: a 16-bit length
                "é".repeat(32_767) + "x",              // 65 535 bytes of text alone: the frame needs a 64-bit length
                "字".repeat(30_000) + "🙂".repeat(1000), // three- and four-byte characters
                "x".repeat(65_536 - 200));             // a frame right about the 16-bit boundary
        try (WsTestClient client = WsTestClient.connect(server.port())) {
            client.send("stream_request", Map.of("message", "long", "requestId", "r-1"));
            ScriptedStream call = provider.nextCall();
            texts.forEach(call::delta);
            call.complete(FinishReason.STOP);

            client.await("stream_complete");
            assertThat(client.events("stream_chunk")).extracting(c -> c.path("chunk").asText()).containsExactlyElementsOf(texts);
        }
    }
}
