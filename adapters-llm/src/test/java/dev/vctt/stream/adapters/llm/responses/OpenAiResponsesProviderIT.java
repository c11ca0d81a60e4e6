package dev.vctt.stream.adapters.llm.responses;

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
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenAI's Responses API: typed semantic events, ended by response.completed, incomplete or failed. */
class OpenAiResponsesProviderIT extends LlmProviderContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    protected LlmProvider provider(URI baseUrl, ProviderTimeouts timeouts, StreamWatchdog watchdog) {
        return new OpenAiResponsesProvider("openai-responses", baseUrl, Optional.of("sk-test"),
                Map.of("OpenAI-Organization", "org-vctt"), timeouts, SseLimits.DEFAULTS, watchdog);
    }

    @Override
    protected String expectedPath() {
        return "/v1/responses";
    }

    @Override
    protected byte[] happyTranscript() {
        return Transcripts.bytes("responses-basic.sse");
    }

    @Override
    protected String happyText() {
        return "Responses arrive as semantic events.";
    }

    @Override
    protected ReportedUsage happyUsage() {
        return ReportedUsage.of(24, 84);
    }

    @Override
    protected byte[] errorBeforeFirstChunk() {
        return Transcripts.bytes("responses-error-event.sse");
    }

    @Override
    protected FailureKind errorBeforeFirstChunkKind() {
        return FailureKind.RATE_LIMITED;
    }

    @Override
    protected byte[] errorAfterFirstChunk() {
        return Transcripts.bytes("responses-failed.sse");
    }

    @Override
    protected FailureKind midStreamErrorKind() {
        return FailureKind.SERVER_ERROR;
    }

    @Override
    protected byte[] malformedStream() {
        String[] events = new String(happyTranscript(), StandardCharsets.UTF_8).split("\n\n");
        return (events[0] + "\n\nevent: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\n\n"
                + events[events.length - 1] + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";
    }

    @Override
    protected void assertRequestShape(RecordedRequest request) {
        assertThat(request.header("authorization")).isEqualTo("Bearer sk-test");
        assertThat(request.header("openai-organization")).isEqualTo("org-vctt");
        JsonNode body = json(request.body());
        assertThat(body.path("model").asText()).isEqualTo("model-under-test");
        assertThat(body.path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(body.path("input").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Say hello\"}]");
        assertThat(body.path("max_output_tokens").asInt()).isEqualTo(256);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("store").isBoolean()).isTrue();
        assertThat(body.path("store").asBoolean()).as("nothing is kept on OpenAI's side").isFalse();
        assertThat(body.has("messages")).isFalse();
    }

    @Override
    protected int endMarkerOffset(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        return text.indexOf("\n\n", text.lastIndexOf("event: response.completed")) + 2;
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

    private static StreamOutcome.Failed failed(StreamOutcome outcome) {
        assertThat(outcome).isInstanceOf(StreamOutcome.Failed.class);
        return (StreamOutcome.Failed) outcome;
    }

    @Test
    void an_answer_cut_by_max_output_tokens_completes_as_length_with_its_usage() {
        RecordingCompletionListener listener = stream(Reply.sse(Transcripts.bytes("responses-incomplete.sse")), request());

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.LENGTH));
        assertThat(listener.text()).isEqualTo("The long answer goes");
        assertThat(listener.usage()).isEqualTo(ReportedUsage.of(24, 256));
    }

    @Test
    void an_answer_withheld_by_the_content_filter_completes_as_filtered() {
        String body = new String(Transcripts.bytes("responses-incomplete.sse"), StandardCharsets.UTF_8)
                .replace("\"reason\":\"max_output_tokens\"", "\"reason\":\"content_filter\"");

        assertThat(stream(Reply.sse(body), request()).awaitEnd(WAIT))
                .isEqualTo(new StreamOutcome.Completed(FinishReason.CONTENT_FILTER));
    }

    @Test
    void a_failed_response_names_its_error_and_keeps_the_text_sent_before_it() {
        RecordingCompletionListener listener = stream(Reply.sse(Transcripts.bytes("responses-failed.sse")), request());

        StreamOutcome.Failed outcome = failed(listener.awaitEnd(WAIT));
        assertThat(outcome.failure().detail()).isEqualTo("server_error: The model failed to generate a response.");
        assertThat(listener.text()).isEqualTo("Once upon a");
    }

    @ParameterizedTest(name = "error code {0} -> {1}")
    @CsvSource({"rate_limit_exceeded,RATE_LIMITED", "server_error,SERVER_ERROR", "server_is_overloaded,OVERLOADED",
            "invalid_prompt,BAD_REQUEST", "ERR_SOMETHING,STREAM_ERROR_EVENT"})
    void error_events_are_classified_by_their_code_not_the_http_status(String code, FailureKind kind) {
        String body = new String(Transcripts.bytes("responses-error-event.sse"), StandardCharsets.UTF_8)
                .replace("rate_limit_exceeded", code);

        StreamOutcome.Failed outcome = failed(stream(Reply.sse(body), request()).awaitEnd(WAIT));

        assertThat(outcome.failure().kind()).isEqualTo(kind);
        assertThat(outcome.failure().httpStatus()).isEmpty();
    }

    @Test
    void function_call_argument_fragments_become_one_whole_tool_call_and_never_text() {
        RecordingCompletionListener listener = stream(Reply.sse(Transcripts.bytes("responses-function-call.sse")), request());

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.TOOL_CALLS));
        assertThat(listener.deltas()).isEmpty();
        assertThat(listener.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("call_VcttWeatherLisbon05");
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(json(call.argumentsJson())).isEqualTo(json("{\"city\":\"Lisbon\",\"unit\":\"celsius\"}"));
        });
        assertThat(listener.usage()).isEqualTo(ReportedUsage.of(61, 18));
    }

    @Test
    void reasoning_tokens_are_not_added_again_since_output_tokens_include_them() {
        RecordingCompletionListener listener = stream(Reply.sse(happyTranscript()), request());

        assertThat(new String(happyTranscript(), StandardCharsets.UTF_8)).contains("\"reasoning_tokens\":64");
        assertThat(listener.usage().output()).hasValueSatisfying(output -> assertThat(output.value()).isEqualTo(84));
    }

    @Test
    void reasoning_summary_deltas_are_not_answer_text() {
        String[] events = new String(happyTranscript(), StandardCharsets.UTF_8).split("\n\n");
        String summary = "event: response.reasoning_summary_text.delta\ndata: {\"type\":\"response.reasoning_summary_text.delta\","
                + "\"sequence_number\":3,\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":0,\"delta\":\"**Thinking**\"}";
        var body = new StringBuilder();
        for (int i = 0; i < events.length; i++) {
            body.append(events[i]).append("\n\n");
            if (i == 2) {
                body.append(summary).append("\n\n");
            }
        }

        RecordingCompletionListener listener = stream(Reply.sse(body.toString()), request());

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        assertThat(listener.text()).isEqualTo(happyText());
    }

    @Test
    void system_turns_become_instructions_and_the_rest_keeps_its_order_and_roles() {
        CompletionRequest request = new CompletionRequest(ModelId.of("gpt-5-mini"), List.of(
                new ChatTurn(ChatRole.SYSTEM, "Be brief."),
                new ChatTurn(ChatRole.USER, "Hi"),
                new ChatTurn(ChatRole.SYSTEM, "Answer in French."),
                new ChatTurn(ChatRole.ASSISTANT, "Bonjour"),
                new ChatTurn(ChatRole.USER, "Capital?")), new Temperature(0.2), OptionalInt.empty());

        stream(Reply.sse(happyTranscript()), request);

        JsonNode body = json(server.takeRequest(WAIT).body());
        assertThat(body.path("instructions").asText()).isEqualTo("Be brief.\n\nAnswer in French.");
        assertThat(body.path("input").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Bonjour\"},{\"role\":\"user\",\"content\":\"Capital?\"}]");
        assertThat(body.has("max_output_tokens")).isFalse();
    }
}
