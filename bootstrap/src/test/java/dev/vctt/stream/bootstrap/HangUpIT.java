package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.adapters.websocket.testing.WsTestClient;
import dev.vctt.stream.application.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kill -HUP} on the packaged server reloads {@code VCTT_CONFIG}; a bad file is refused and the old settings stay. */
class HangUpIT {

    private static final Duration START = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private static String config(SseReplayServer a, SseReplayServer b, String chain) {
        return """
                endpoints:
                  local-a: {family: openai-compatible, baseUrl: "%s"}
                  local-b: {family: openai-compatible, baseUrl: "%s"}
                models:
                  llama-a: {endpoint: local-a, price: {input: 0, output: 0}}
                  llama-b: {endpoint: local-b, price: {input: 0, output: 0}}
                routes:
                  "*": %s
                """.formatted(a.baseUrl(), b.baseUrl(), chain);
    }

    private static String answeredBy(int port) {
        try (WsTestClient client = WsTestClient.connect(port)) {
            client.send("stream_request", Map.of("message", "What is the capital of France?", "agentRole", "analyst"));
            return client.await("stream_complete").path("model").asText();
        }
    }

    /** A process started under nohup passes SIGHUP on ignored, and the JVM then never sees it. */
    private static boolean hangUpIgnoredHere() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:")).findFirst()
                .map(line -> (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 1L) != 0).orElse(false);
    }

    @Test
    void sighup_reloads_the_configuration_file_and_refuses_a_broken_one() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(hangUpIgnoredHere(),
                "SIGHUP is ignored in this process tree (a build under nohup): the server could not receive it");
        Path file = dir.resolve("vctt.yaml");
        try (var a = SseReplayServer.start(); var b = SseReplayServer.start()) {
            a.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")));
            b.answerByDefault(Reply.sse(Transcripts.bytes("openai-basic.sse")));
            Files.writeString(file, config(a, b, "[llama-a]"));
            try (var server = ServerProcess.start(Map.of("VCTT_CONFIG", file.toString(),
                    "VCTT_DATA_DIR", "target/hangup-data-" + System.nanoTime()))) {
                server.awaitHealthy(START);
                assertThat(answeredBy(server.port)).isEqualTo("llama-a");

                Files.writeString(file, config(a, b, "[llama-b]"));
                server.hangUp();
                Eventually.holds(() -> assertThat(server.log()).contains("reloaded:"));
                assertThat(answeredBy(server.port)).isEqualTo("llama-b");

                Files.writeString(file, config(a, b, "[llama-b, nowhere]"));
                server.hangUp();
                Eventually.holds(() -> assertThat(server.log()).contains("reload refused")
                        .contains("routes.*[1]: unknown model 'nowhere'"));
                assertThat(answeredBy(server.port)).isEqualTo("llama-b");
            }
        }
    }
}
