package dev.vctt.stream.adapters.llm.gemini;

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

/** Gemini: whole responses per event, CRLF framing, no end marker but the finishing candidate. */
class GeminiGenerateContentProviderIT extends LlmProviderContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String BLANK_LINE = "\r\n\r\n";

    @Override
    protected LlmProvider provider(URI baseUrl, ProviderTimeouts timeouts, StreamWatchdog watchdog) {
        return new GeminiGenerateContentProvider("gemini", baseUrl, Optional.of("goog-key"), Map.of(), timeouts,
                SseLimits.DEFAULTS, watchdog);
    }

    @Override
    protected String expectedPath() {
        return "/v1/models/model-under-test:streamGenerateContent?alt=sse";
    }

    @Override
    protected byte[] happyTranscript() {
        return Transcripts.bytes("gemini-basic.sse");
    }

    @Override
    protected String happyText() {
        return "Gemini streams its answer in larger pieces than most providers.";
    }

    @Override
    protected ReportedUsage happyUsage() {
        return ReportedUsage.of(9, 12 + 64);
    }

    private static String[] events(String name) {
        return new String(Transcripts.bytes(name), StandardCharsets.UTF_8).split(BLANK_LINE);
    }

    @Override
    protected byte[] errorBeforeFirstChunk() {
        return (events("gemini-error-midstream.sse")[1] + BLANK_LINE).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected FailureKind errorBeforeFirstChunkKind() {
        return FailureKind.OVERLOADED;
    }

    @Override
    protected byte[] errorAfterFirstChunk() {
        return Transcripts.bytes("gemini-error-midstream.sse");
    }

    @Override
    protected FailureKind midStreamErrorKind() {
        return FailureKind.OVERLOADED;
    }

    @Override
    protected byte[] malformedStream() {
        return (events("gemini-basic.sse")[0] + BLANK_LINE + "data: {\"candidates\": [{\"content\": {\"parts\": [" + BLANK_LINE
                + events("gemini-basic.sse")[2] + BLANK_LINE).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected String errorBody(int status, String message) {
        String grpc = switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
        return "{\n  \"error\": {\n    \"code\": " + status + ",\n    \"message\": \"" + message + "\",\n    \"status\": \""
                + grpc + "\"\n  }\n}\n";
    }

    @Override
    protected void assertRequestShape(RecordedRequest request) {
        assertThat(request.header("x-goog-api-key")).isEqualTo("goog-key");
        assertThat(request.header("authorization")).isNull();
        JsonNode body = json(request.body());
        assertThat(body.path("contents").toString()).isEqualTo("[{\"role\":\"user\",\"parts\":[{\"text\":\"Say hello\"}]}]");
        assertThat(body.path("systemInstruction").toString()).isEqualTo("{\"parts\":[{\"text\":\"Be brief.\"}]}");
        assertThat(body.path("generationConfig").path("temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(256);
        assertThat(body.has("model")).as("the model is in the path").isFalse();
    }

    @Override
    protected int firstEventBoundaryAfterText(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        return text.indexOf(BLANK_LINE, text.indexOf("Gemini streams")) + BLANK_LINE.length();
    }

    /**
     * The event with the finishing candidate is the end; nothing follows it. Its blank line is
     * complete at the second CR: a lone CR ends a line, so the final LF adds nothing.
     */
    @Override
    protected int endMarkerOffset(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        return text.indexOf(BLANK_LINE, text.indexOf("\"finishReason\"")) + "\r\n\r".length();
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
    void the_same_stream_with_lf_endings_reads_the_same() {
        String lf = new String(happyTranscript(), StandardCharsets.UTF_8).replace("\r\n", "\n");

        RecordingCompletionListener listener = stream(Reply.sse(lf), request());

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        assertThat(listener.text()).isEqualTo(happyText());
        assertThat(listener.usage()).isEqualTo(happyUsage());
    }

    @Test
    void a_bad_key_answered_with_400_api_key_invalid_is_unauthorized() {
        String body = "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\","
                + "\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\","
                + "\"reason\":\"API_KEY_INVALID\",\"domain\":\"googleapis.com\",\"metadata\":{\"service\":"
                + "\"generativelanguage.googleapis.com\"}}]}}";

        StreamOutcome.Failed outcome = failed(stream(Reply.status(400, body), request()).awaitEnd(WAIT));

        assertThat(outcome.failure().kind()).isEqualTo(FailureKind.UNAUTHORIZED);
        assertThat(outcome.failure().httpStatus()).hasValue(400);
        assertThat(outcome.failure().detail()).isEqualTo("API key not valid. Please pass a valid API key.");
    }

    @Test
    void a_prompt_blocked_outright_completes_as_filtered_without_text() {
        RecordingCompletionListener listener = stream(Reply.sse(Transcripts.bytes("gemini-prompt-blocked.sse")), request());

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.CONTENT_FILTER));
        assertThat(listener.deltas()).isEmpty();
        assertThat(listener.usage()).isEqualTo(ReportedUsage.inputOnly(11));
    }

    @Test
    void a_function_call_part_is_one_whole_tool_call() {
        RecordingCompletionListener listener = stream(Reply.sse(Transcripts.bytes("gemini-function-call.sse")), request());

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.TOOL_CALLS));
        assertThat(listener.deltas()).isEmpty();
        assertThat(listener.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(json(call.argumentsJson())).isEqualTo(json("{\"city\":\"Lisbon\",\"unit\":\"celsius\"}"));
        });
        assertThat(listener.usage()).isEqualTo(ReportedUsage.of(41, 19));
    }

    @ParameterizedTest(name = "finishReason {0} -> {1}")
    @CsvSource({"STOP,STOP", "MAX_TOKENS,LENGTH", "SAFETY,CONTENT_FILTER", "RECITATION,CONTENT_FILTER",
            "PROHIBITED_CONTENT,CONTENT_FILTER", "SPII,CONTENT_FILTER"})
    void finish_reasons_map_to_finish_reasons(String finishReason, FinishReason reason) {
        String body = new String(happyTranscript(), StandardCharsets.UTF_8).replace("\"STOP\"", "\"" + finishReason + "\"");

        assertThat(stream(Reply.sse(body), request()).awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(reason));
    }

    @Test
    void a_finish_for_a_reason_of_the_models_own_is_a_stream_error() {
        String body = new String(happyTranscript(), StandardCharsets.UTF_8).replace("\"STOP\"", "\"MALFORMED_FUNCTION_CALL\"");

        StreamOutcome.Failed outcome = failed(stream(Reply.sse(body), request()).awaitEnd(WAIT));

        assertThat(outcome.failure().kind()).isEqualTo(FailureKind.STREAM_ERROR_EVENT);
        assertThat(outcome.failure().detail()).contains("MALFORMED_FUNCTION_CALL");
    }

    @ParameterizedTest(name = "in-stream {0} -> {1}")
    @CsvSource({"RESOURCE_EXHAUSTED,RATE_LIMITED", "UNAVAILABLE,OVERLOADED", "INTERNAL,SERVER_ERROR",
            "DEADLINE_EXCEEDED,REQUEST_TIMEOUT", "SOMETHING_NEW,OVERLOADED"})
    void in_stream_errors_are_classified_by_their_status_then_their_code(String status, FailureKind kind) {
        String body = new String(Transcripts.bytes("gemini-error-midstream.sse"), StandardCharsets.UTF_8)
                .replace("UNAVAILABLE", status);

        StreamOutcome.Failed outcome = failed(stream(Reply.sse(body), request()).awaitEnd(WAIT));

        assertThat(outcome.failure().kind()).isEqualTo(kind);
        assertThat(outcome.failure().httpStatus()).isEmpty();
    }

    @Test
    void thinking_parts_are_not_answer_text_and_thinking_tokens_are_billed_as_output() {
        String thought = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"**Planning** the answer\",\"thought\": true}],"
                + "\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"totalTokenCount\": 73,"
                + "\"thoughtsTokenCount\": 64},\"modelVersion\": \"gemini-2.5-flash\"}" + BLANK_LINE;

        RecordingCompletionListener listener = stream(Reply.sse(thought + new String(happyTranscript(), StandardCharsets.UTF_8)),
                request());

        assertThat(listener.text()).isEqualTo(happyText());
        assertThat(listener.usage()).isEqualTo(ReportedUsage.of(9, 76));
    }

    @Test
    void assistant_turns_are_sent_as_model_and_turns_of_one_role_are_merged() {
        CompletionRequest request = new CompletionRequest(ModelId.of("models/gemini-2.5-flash"), List.of(
                new ChatTurn(ChatRole.SYSTEM, "Be brief."),
                new ChatTurn(ChatRole.USER, "Hi"),
                new ChatTurn(ChatRole.USER, "there"),
                new ChatTurn(ChatRole.SYSTEM, "Answer in French."),
                new ChatTurn(ChatRole.ASSISTANT, "Bonjour"),
                new ChatTurn(ChatRole.USER, "Capital?")), new Temperature(1.5), OptionalInt.empty());

        stream(Reply.sse(happyTranscript()), request);

        RecordedRequest sent = server.takeRequest(WAIT);
        assertThat(sent.path()).isEqualTo("/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        JsonNode body = json(sent.body());
        assertThat(body.path("systemInstruction").path("parts").path(0).path("text").asText())
                .isEqualTo("Be brief.\n\nAnswer in French.");
        assertThat(body.path("contents").toString()).isEqualTo("[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\\n\\nthere\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"text\":\"Bonjour\"}]},{\"role\":\"user\",\"parts\":[{\"text\":\"Capital?\"}]}]");
        assertThat(body.path("generationConfig").path("temperature").asDouble()).as("Gemini's range is 0-2 too").isEqualTo(1.5);
        assertThat(body.path("generationConfig").has("maxOutputTokens")).isFalse();
    }
}
