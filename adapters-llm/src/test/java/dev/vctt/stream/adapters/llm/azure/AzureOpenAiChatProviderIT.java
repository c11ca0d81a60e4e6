package dev.vctt.stream.adapters.llm.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.openai.ChatCompletionsContract;
import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.StreamWatchdog;
import dev.vctt.stream.adapters.llm.testing.RecordedRequest;
import dev.vctt.stream.adapters.llm.testing.RecordingCompletionListener;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.Temperature;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.FinishReason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Azure OpenAI: Chat Completions on a deployment URL, with Azure's filter chunks on the wire. */
class AzureOpenAiChatProviderIT extends ChatCompletionsContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    protected LlmProvider provider(URI baseUrl, ProviderTimeouts timeouts, StreamWatchdog watchdog) {
        return new AzureOpenAiChatProvider("azure", baseUrl, Optional.of("azure-key"), "2024-10-21",
                Map.of("x-ms-client-request-id", "vctt-test"), timeouts, SseLimits.DEFAULTS, watchdog);
    }

    @Override
    protected String expectedPath() {
        return "/v1/openai/deployments/model-under-test/chat/completions?api-version=2024-10-21";
    }

    @Override
    protected byte[] happyTranscript() {
        return Transcripts.bytes("azure-basic.sse");
    }

    @Override
    protected String happyText() {
        return "Azure OpenAI answers from your own deployment.";
    }

    @Override
    protected ReportedUsage happyUsage() {
        return ReportedUsage.of(18, 9);
    }

    private static String[] events(String name) {
        return new String(Transcripts.bytes(name), StandardCharsets.UTF_8).split("\n\n");
    }

    @Override
    protected byte[] errorBeforeFirstChunk() {
        String[] events = events("azure-error-midstream.sse");
        return (events[0] + "\n\n" + events[1] + "\n\n" + events[4] + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected byte[] errorAfterFirstChunk() {
        return Transcripts.bytes("azure-error-midstream.sse");
    }

    @Override
    protected byte[] malformedStream() {
        String[] events = events("azure-basic.sse");
        return (events[0] + "\n\n" + events[2] + "\n\ndata: {\"choices\":[{\"content_filter_results\":{\n\ndata: [DONE]\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"error\":{\"code\":\"" + status + "\",\"message\":\"" + message + "\"}}";
    }

    @Override
    protected void assertRequestShape(RecordedRequest request) {
        assertThat(request.header("api-key")).isEqualTo("azure-key");
        assertThat(request.header("authorization")).isNull();
        assertThat(request.header("x-ms-client-request-id")).isEqualTo("vctt-test");
        JsonNode body = json(request.body());
        assertThat(body.path("messages").toString())
                .isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Say hello\"}]");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("stream_options").has("include_obfuscation")).as("OpenAI-only option").isFalse();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(256);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.7);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private RecordingCompletionListener stream(Reply reply, CompletionRequest request) {
        server.enqueue(reply);
        var listener = new RecordingCompletionListener();
        provider(server.baseUrl(), ProviderTimeouts.DEFAULTS, watchdog).stream(request, listener);
        listener.awaitEnd(WAIT);
        return listener;
    }

    @Test
    void a_content_filter_finish_completes_as_filtered_with_the_text_before_it_and_the_usage() {
        RecordingCompletionListener listener = stream(Reply.sse(Transcripts.bytes("azure-content-filter.sse")), request());

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.CONTENT_FILTER));
        assertThat(listener.text()).isEqualTo("The duel began at dawn,");
        assertThat(listener.usage()).isEqualTo(ReportedUsage.of(22, 8));
    }

    @Test
    void the_deployment_name_is_encoded_into_the_path_and_the_api_version_is_configurable() {
        var preview = new AzureOpenAiChatProvider("azure", server.baseUrl(), Optional.of("k"), "2025-04-01-preview",
                Map.of(), ProviderTimeouts.DEFAULTS, SseLimits.DEFAULTS, watchdog);
        server.enqueue(Reply.sse(happyTranscript()));
        var listener = new RecordingCompletionListener();

        preview.stream(new CompletionRequest(ModelId.of("gpt 4o/../prod"), List.of(new ChatTurn(ChatRole.USER, "hi")),
                new Temperature(0.7), OptionalInt.empty()), listener);
        listener.awaitEnd(WAIT);

        assertThat(server.takeRequest(WAIT).path())
                .isEqualTo("/v1/openai/deployments/gpt%204o%2F..%2Fprod/chat/completions?api-version=2025-04-01-preview");
        preview.close();
    }

    @Test
    void a_malformed_api_version_or_a_header_the_adapter_owns_is_refused_when_the_provider_is_built() {
        assertThatThrownBy(() -> new AzureOpenAiChatProvider("azure", server.baseUrl(), Optional.empty(), "latest",
                Map.of(), ProviderTimeouts.DEFAULTS, SseLimits.DEFAULTS, watchdog))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("api-version");
        assertThatThrownBy(() -> new AzureOpenAiChatProvider("azure", server.baseUrl(), Optional.empty(), "2024-10-21",
                Map.of("API-Key", "other"), ProviderTimeouts.DEFAULTS, SseLimits.DEFAULTS, watchdog))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("API-Key");
        assertThatThrownBy(() -> new AzureOpenAiChatProvider("azure", server.baseUrl(), Optional.empty(), "2024-10-21",
                Map.of("Host", "elsewhere"), ProviderTimeouts.DEFAULTS, SseLimits.DEFAULTS, watchdog))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Host");
    }

    @Test
    void a_content_filter_refusal_of_the_prompt_is_a_bad_request_with_azures_message() {
        String body = "{\"error\":{\"message\":\"The response was filtered due to the prompt triggering Azure OpenAI's "
                + "content management policy.\",\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400,"
                + "\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\",\"content_filter_result\":{\"violence\":"
                + "{\"filtered\":true,\"severity\":\"high\"}}}}}";

        StreamOutcome outcome = stream(Reply.status(400, body), request()).awaitEnd(WAIT);

        assertThat(((StreamOutcome.Failed) outcome).failure().kind()).isEqualTo(FailureKind.BAD_REQUEST);
        assertThat(((StreamOutcome.Failed) outcome).failure().detail()).contains("content management policy");
    }

    @Test
    void a_429_honours_azures_retry_after_ms() {
        Reply reply = Reply.status(429, errorBody(429, "Requests to the ChatCompletions_Create Operation have exceeded "
                + "token rate limit. Please retry after 2 seconds.")).header("retry-after", "2").header("retry-after-ms", "1500");

        StreamOutcome outcome = stream(reply, request()).awaitEnd(WAIT);

        assertThat(((StreamOutcome.Failed) outcome).failure().kind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(((StreamOutcome.Failed) outcome).failure().retryAfter()).contains(Duration.ofMillis(1500));
    }
}
