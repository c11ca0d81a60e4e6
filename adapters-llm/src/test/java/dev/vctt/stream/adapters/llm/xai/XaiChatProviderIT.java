package dev.vctt.stream.adapters.llm.xai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.openai.ChatCompletionsContract;
import dev.vctt.stream.adapters.llm.openai.ChatCompletionsDialect;
import dev.vctt.stream.adapters.llm.openai.OpenAiChatCompletionsProvider;
import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.StreamWatchdog;
import dev.vctt.stream.adapters.llm.testing.RecordedRequest;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.domain.cost.ReportedUsage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * xAI is served by the Chat Completions adapter with the xAI dialect: its own base URL and key,
 * reasoning tokens billed as output, errors whose {@code error} is a plain string.
 */
class XaiChatProviderIT extends ChatCompletionsContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected LlmProvider provider(URI baseUrl, ProviderTimeouts timeouts, StreamWatchdog watchdog) {
        return new OpenAiChatCompletionsProvider("xai", ChatCompletionsDialect.XAI, baseUrl, Optional.of("xai-test"),
                timeouts, SseLimits.DEFAULTS, watchdog);
    }

    @Override
    protected byte[] happyTranscript() {
        return Transcripts.bytes("xai-reasoning-usage.sse");
    }

    @Override
    protected String happyText() {
        return "Lisbon is the capital of Portugal.";
    }

    @Override
    protected ReportedUsage happyUsage() {
        return ReportedUsage.of(120, 85);
    }

    private static String[] events() {
        return new String(Transcripts.bytes("xai-reasoning-usage.sse"), StandardCharsets.UTF_8).split("\n\n");
    }

    @Override
    protected byte[] errorBeforeFirstChunk() {
        String[] events = events();
        return (events[0] + "\n\n" + events[1] + "\n\ndata: {\"code\":\"internal\",\"error\":\"The model is overloaded\"}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected byte[] errorAfterFirstChunk() {
        String[] events = events();
        return (events[0] + "\n\n" + events[3] + "\n\n" + events[4] + "\n\ndata: {\"error\":\"stream interrupted\"}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected byte[] malformedStream() {
        String[] events = events();
        return (events[3] + "\n\ndata: {\"id\":\"x\",\"choices\":[{\"delta\":{\"content\"\n\ndata: [DONE]\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"code\":\"invalid-argument\",\"error\":\"" + message + "\"}";
    }

    @Override
    protected void assertRequestShape(RecordedRequest request) {
        assertThat(request.header("authorization")).isEqualTo("Bearer xai-test");
        try {
            var body = JSON.readTree(request.body());
            assertThat(body.path("model").asText()).isEqualTo("model-under-test");
            assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(256);
            assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
            assertThat(body.path("stream_options").has("include_obfuscation")).isFalse();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
