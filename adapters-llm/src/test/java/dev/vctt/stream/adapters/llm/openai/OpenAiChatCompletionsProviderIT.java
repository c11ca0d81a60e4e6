package dev.vctt.stream.adapters.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.StreamWatchdog;
import dev.vctt.stream.adapters.llm.testing.RecordedRequest;
import dev.vctt.stream.adapters.llm.testing.RecordingCompletionListener;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.Transcripts;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.session.FinishReason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenAiChatCompletionsProviderIT extends ChatCompletionsContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    protected LlmProvider provider(URI baseUrl, ProviderTimeouts timeouts, StreamWatchdog watchdog) {
        return new OpenAiChatCompletionsProvider("openai", ChatCompletionsDialect.OPENAI, baseUrl, Optional.of("sk-test"),
                timeouts, SseLimits.DEFAULTS, watchdog);
    }

    @Override
    protected byte[] happyTranscript() {
        return Transcripts.bytes("openai-basic.sse");
    }

    @Override
    protected String happyText() {
        return "The capital of France is Paris.";
    }

    @Override
    protected ReportedUsage happyUsage() {
        return ReportedUsage.of(19, 7);
    }

    @Override
    protected byte[] errorBeforeFirstChunk() {
        String all = new String(Transcripts.bytes("openai-error-midstream.sse"), StandardCharsets.UTF_8);
        String[] events = all.split("\n\n");
        return (events[0] + "\n\n" + events[4] + "\n\n" + events[5] + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected byte[] errorAfterFirstChunk() {
        return Transcripts.bytes("openai-error-midstream.sse");
    }

    @Override
    protected byte[] malformedStream() {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":[{\"delta\":\n\ndata: [DONE]\n\n"
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";
    }

    @Override
    protected void assertRequestShape(RecordedRequest request) {
        assertThat(request.header("authorization")).isEqualTo("Bearer sk-test");
        JsonNode body = json(request);
        assertThat(body.path("model").asText()).isEqualTo("model-under-test");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_obfuscation").isBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_obfuscation").asBoolean()).isFalse();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(256);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.path("messages").toString())
                .isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Say hello\"}]");
    }

    private static JsonNode json(RecordedRequest request) {
        try {
            return JSON.readTree(request.body());
        } catch (Exception e) {
            throw new AssertionError("the request body is not JSON: " + request.body(), e);
        }
    }

    @Test
    void a_compatible_server_gets_max_tokens_and_no_key_when_none_is_configured() {
        var local = new OpenAiChatCompletionsProvider("local", ChatCompletionsDialect.COMPATIBLE, server.baseUrl(),
                Optional.empty(), ProviderTimeouts.DEFAULTS, SseLimits.DEFAULTS, watchdog);
        server.enqueue(Reply.sse(happyTranscript()));
        var listener = new RecordingCompletionListener();

        local.stream(request(), listener);
        listener.awaitEnd(WAIT);

        RecordedRequest sent = server.takeRequest(WAIT);
        assertThat(sent.header("authorization")).isNull();
        JsonNode body = json(sent);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(body.has("max_completion_tokens")).isFalse();
        assertThat(body.path("stream_options").has("include_obfuscation")).isFalse();
        local.close();
    }

    @Test
    void extra_headers_of_the_endpoint_are_sent_beside_the_key() {
        var gateway = new OpenAiChatCompletionsProvider("gateway", ChatCompletionsDialect.OPENAI, server.baseUrl(),
                Optional.of("sk-test"), java.util.Map.of("OpenAI-Organization", "org-vctt", "X-Gateway-Route", "eu"),
                ProviderTimeouts.DEFAULTS, SseLimits.DEFAULTS, watchdog);
        server.enqueue(Reply.sse(happyTranscript()));
        var listener = new RecordingCompletionListener();

        gateway.stream(request(), listener);
        listener.awaitEnd(WAIT);

        RecordedRequest sent = server.takeRequest(WAIT);
        assertThat(sent.header("openai-organization")).isEqualTo("org-vctt");
        assertThat(sent.header("x-gateway-route")).isEqualTo("eu");
        assertThat(sent.header("authorization")).isEqualTo("Bearer sk-test");
        gateway.close();
    }

    @Test
    void xai_reasoning_tokens_are_billed_as_output() {
        var xai = new OpenAiChatCompletionsProvider("xai", ChatCompletionsDialect.XAI, server.baseUrl(),
                Optional.of("xai-key"), ProviderTimeouts.DEFAULTS, SseLimits.DEFAULTS, watchdog);
        server.enqueue(Reply.sse(Transcripts.bytes("xai-reasoning-usage.sse")));
        var listener = new RecordingCompletionListener();

        xai.stream(request(), listener);

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        assertThat(listener.text()).isEqualTo("Lisbon is the capital of Portugal.");
        assertThat(listener.usage()).isEqualTo(ReportedUsage.of(120, 85));
        xai.close();
    }

    @Test
    void tool_call_fragments_become_one_complete_call_and_never_text() {
        server.enqueue(Reply.sse(Transcripts.bytes("openai-tool-call.sse")));
        var listener = new RecordingCompletionListener();

        provider(server.baseUrl(), ProviderTimeouts.DEFAULTS, watchdog).stream(request(), listener);

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.TOOL_CALLS));
        assertThat(listener.deltas()).isEmpty();
        assertThat(listener.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.id()).startsWith("call_");
            assertThat(json(call.argumentsJson())).isEqualTo(json("{\"city\":\"Lisbon\",\"unit\":\"celsius\"}"));
        });
    }

    @Test
    void parallel_tool_calls_are_told_apart_by_index() {
        server.enqueue(Reply.sse(Transcripts.bytes("openai-parallel-tool-calls.sse")));
        var listener = new RecordingCompletionListener();

        provider(server.baseUrl(), ProviderTimeouts.DEFAULTS, watchdog).stream(request(), listener);

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.TOOL_CALLS));
        assertThat(listener.toolCalls()).hasSize(2);
        assertThat(listener.toolCalls()).allSatisfy(call -> assertThat(json(call.argumentsJson()).isObject()).isTrue());
        assertThat(listener.toolCalls()).extracting(call -> call.id()).doesNotHaveDuplicates();
        assertThat(listener.deltas()).isEmpty();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    @Test
    void keep_alive_comments_are_skipped() {
        server.enqueue(Reply.sse(Transcripts.bytes("openrouter-keepalive-comments.sse")));
        var listener = new RecordingCompletionListener();

        provider(server.baseUrl(), ProviderTimeouts.DEFAULTS, watchdog).stream(request(), listener);

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        assertThat(listener.text()).isEqualTo("Hi there");
        assertThat(listener.usage()).isEqualTo(ReportedUsage.of(9, 2));
    }

    @Test
    void a_length_finish_is_reported_as_length() {
        String body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Cut\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n";
        server.enqueue(Reply.sse(body));
        var listener = new RecordingCompletionListener();

        provider(server.baseUrl(), ProviderTimeouts.DEFAULTS, watchdog).stream(request(), listener);

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.LENGTH));
        assertThat(listener.usage()).isEqualTo(ReportedUsage.NOTHING);
    }

    @Test
    void an_error_finish_reason_and_an_error_event_type_are_failures() {
        server.enqueue(Reply.sse("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"error\"}]}\n\n"));
        server.enqueue(Reply.sse("event: error\ndata: {\"code\":400,\"message\":\"bad things\"}\n\ndata: [DONE]\n\n"));
        LlmProvider openai = provider(server.baseUrl(), ProviderTimeouts.DEFAULTS, watchdog);

        var first = new RecordingCompletionListener();
        openai.stream(request(), first);
        assertThat(((StreamOutcome.Failed) first.awaitEnd(WAIT)).failure().kind()).isEqualTo(FailureKind.STREAM_ERROR_EVENT);
        var second = new RecordingCompletionListener();
        openai.stream(request(), second);

        StreamOutcome.Failed failed = (StreamOutcome.Failed) second.awaitEnd(WAIT);
        assertThat(failed.failure().kind()).isEqualTo(FailureKind.STREAM_ERROR_EVENT);
        assertThat(failed.failure().detail()).isEqualTo("bad things");
    }

    @Test
    void the_end_arrives_at_done_even_if_the_server_keeps_the_connection_open() {
        byte[] body = happyTranscript();
        server.enqueue(Reply.sse(body).stallAfter(body.length));
        var listener = new RecordingCompletionListener();

        provider(server.baseUrl(), ProviderTimeouts.DEFAULTS, watchdog).stream(request(), listener);

        assertThat(listener.awaitEnd(Duration.ofSeconds(2))).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
    }
}
