package dev.vctt.stream.adapters.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.LlmProviderContract;
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
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicMessagesProviderIT extends LlmProviderContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    protected LlmProvider provider(URI baseUrl, ProviderTimeouts timeouts, StreamWatchdog watchdog) {
        return new AnthropicMessagesProvider("anthropic", baseUrl, Optional.of("sk-ant-test"), timeouts,
                SseLimits.DEFAULTS, watchdog, 4096);
    }

    @Override
    protected byte[] happyTranscript() {
        return Transcripts.bytes("anthropic-basic.sse");
    }

    @Override
    protected String happyText() {
        return "Bonjour! The capital of France is Paris.";
    }

    @Override
    protected ReportedUsage happyUsage() {
        return ReportedUsage.of(21, 12);
    }

    @Override
    protected byte[] errorBeforeFirstChunk() {
        String all = new String(Transcripts.bytes("anthropic-overloaded-midstream.sse"), StandardCharsets.UTF_8);
        String[] events = all.split("\n\n");
        return (events[0] + "\n\n" + events[1] + "\n\n" + events[2] + "\n\n" + events[5] + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected FailureKind errorBeforeFirstChunkKind() {
        return FailureKind.OVERLOADED;
    }

    @Override
    protected byte[] errorAfterFirstChunk() {
        return Transcripts.bytes("anthropic-overloaded-midstream.sse");
    }

    @Override
    protected FailureKind midStreamErrorKind() {
        return FailureKind.OVERLOADED;
    }

    @Override
    protected byte[] malformedStream() {
        return ("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3}}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected String errorBody(int status, String message) {
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"},\"request_id\":\"req_1\"}";
    }

    @Override
    protected String expectedPath() {
        return "/v1/messages";
    }

    @Override
    protected int endMarkerOffset(byte[] body) {
        return new String(body, StandardCharsets.ISO_8859_1).lastIndexOf("event: message_stop")
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n".length();
    }

    @Override
    protected void assertRequestShape(RecordedRequest request) {
        assertThat(request.header("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(request.header("authorization")).isNull();
        JsonNode body = json(request.body());
        assertThat(body.path("model").asText()).isEqualTo("model-under-test");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(body.path("system").asText()).isEqualTo("Be brief.");
        assertThat(body.path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Say hello\"}]");
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.path("stream").asBoolean()).isTrue();
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
    void extra_headers_of_the_endpoint_are_sent_and_the_adapters_own_cannot_be_replaced() {
        var beta = new AnthropicMessagesProvider("anthropic", server.baseUrl(), Optional.of("sk-ant-test"),
                java.util.Map.of("anthropic-beta", "output-128k-2025-02-19"), ProviderTimeouts.DEFAULTS, SseLimits.DEFAULTS,
                watchdog, 4096);
        server.enqueue(Reply.sse(happyTranscript()));
        var listener = new RecordingCompletionListener();

        beta.stream(request(), listener);
        listener.awaitEnd(WAIT);

        RecordedRequest sent = server.takeRequest(WAIT);
        assertThat(sent.header("anthropic-beta")).isEqualTo("output-128k-2025-02-19");
        assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
        beta.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AnthropicMessagesProvider("anthropic", server.baseUrl(),
                        Optional.empty(), java.util.Map.of("Anthropic-Version", "2099-01-01"), ProviderTimeouts.DEFAULTS,
                        SseLimits.DEFAULTS, watchdog, 4096))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Anthropic-Version");
    }

    @Test
    void a_tool_use_block_becomes_one_complete_tool_call_after_the_text() {
        RecordingCompletionListener listener = stream(Reply.sse(Transcripts.bytes("anthropic-tool-use.sse")), request());

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.TOOL_CALLS));
        assertThat(listener.text()).isEqualTo("Let me look up the weather in Lisbon.");
        assertThat(listener.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("toolu_01VcttWeatherLisbon01");
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(json(call.argumentsJson())).isEqualTo(json("{\"city\": \"Lisbon\", \"unit\": \"celsius\"}"));
        });
        assertThat(listener.usage().output()).hasValueSatisfying(output -> assertThat(output.value()).isEqualTo(58));
        assertThat(listener.usage().input()).isPresent();
    }

    @Test
    void json_padded_with_spaces_as_in_real_traffic_is_read_the_same() {
        String padded = new String(happyTranscript(), StandardCharsets.UTF_8).replace("}\n", "          }\n")
                .replace("{\"type\": \"ping\"          }", "{\"type\": \"ping\"   }");
        RecordingCompletionListener listener = stream(Reply.sse(padded), request());

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        assertThat(listener.text()).isEqualTo(happyText());
        assertThat(listener.usage()).isEqualTo(happyUsage());
    }

    @Test
    void cached_input_tokens_are_billed_as_input() {
        String cached = new String(happyTranscript(), StandardCharsets.UTF_8)
                .replace("\"cache_read_input_tokens\":0", "\"cache_read_input_tokens\":100");
        RecordingCompletionListener listener = stream(Reply.sse(cached), request());

        assertThat(listener.usage()).isEqualTo(ReportedUsage.of(121, 12));
    }

    @ParameterizedTest(name = "temperature {0} is sent as {1}")
    @CsvSource({"0,0", "0.7,0.7", "1,1", "1.5,1", "2,1"})
    void temperatures_above_anthropics_range_are_sent_as_its_maximum(double asked, double sent) {
        CompletionRequest request = new CompletionRequest(ModelId.of("claude"), List.of(new ChatTurn(ChatRole.USER, "hi")),
                new Temperature(asked), OptionalInt.empty());

        stream(Reply.sse(happyTranscript()), request);

        JsonNode body = json(server.takeRequest(WAIT).body());
        assertThat(body.path("temperature").asDouble()).isEqualTo(sent);
        assertThat(body.path("max_tokens").asInt()).as("required, defaulted").isEqualTo(4096);
    }

    @Test
    void system_turns_go_to_the_system_field_and_turns_of_one_role_are_merged() {
        CompletionRequest request = new CompletionRequest(ModelId.of("claude"), List.of(
                new ChatTurn(ChatRole.SYSTEM, "Be brief."),
                new ChatTurn(ChatRole.USER, "Hi"),
                new ChatTurn(ChatRole.SYSTEM, "Answer in French."),
                new ChatTurn(ChatRole.ASSISTANT, "Bonjour"),
                new ChatTurn(ChatRole.ASSISTANT, "!"),
                new ChatTurn(ChatRole.USER, "Capital?")), new Temperature(0.2), OptionalInt.of(10));

        stream(Reply.sse(happyTranscript()), request);

        JsonNode body = json(server.takeRequest(WAIT).body());
        assertThat(body.path("system").asText()).isEqualTo("Be brief.\n\nAnswer in French.");
        assertThat(body.path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Bonjour\\n\\n!\"},{\"role\":\"user\",\"content\":\"Capital?\"}]");
    }

    @ParameterizedTest(name = "stop_reason {0} -> {1}")
    @CsvSource({"end_turn,STOP", "stop_sequence,STOP", "max_tokens,LENGTH", "tool_use,TOOL_CALLS", "refusal,CONTENT_FILTER",
            "model_context_window_exceeded,LENGTH", "pause_turn,STOP"})
    void stop_reasons_map_to_finish_reasons(String stopReason, FinishReason reason) {
        String body = new String(happyTranscript(), StandardCharsets.UTF_8).replace("\"end_turn\"", "\"" + stopReason + "\"");

        assertThat(stream(Reply.sse(body), request()).awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(reason));
    }

    @ParameterizedTest(name = "error.type {0} -> {1}")
    @CsvSource({"overloaded_error,OVERLOADED", "rate_limit_error,RATE_LIMITED", "api_error,SERVER_ERROR",
            "invalid_request_error,BAD_REQUEST", "something_new,STREAM_ERROR_EVENT"})
    void in_stream_errors_are_classified_by_their_type_not_the_http_status(String type, FailureKind kind) {
        String body = new String(Transcripts.bytes("anthropic-overloaded-midstream.sse"), StandardCharsets.UTF_8)
                .replace("overloaded_error", type);

        StreamOutcome outcome = stream(Reply.sse(body), request()).awaitEnd(WAIT);

        assertThat(((StreamOutcome.Failed) outcome).failure().kind()).isEqualTo(kind);
        assertThat(((StreamOutcome.Failed) outcome).failure().httpStatus()).isEmpty();
    }
}
