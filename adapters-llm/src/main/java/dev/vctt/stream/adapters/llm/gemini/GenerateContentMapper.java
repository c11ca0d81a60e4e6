package dev.vctt.stream.adapters.llm.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.sse.Emitter;
import dev.vctt.stream.adapters.llm.sse.HttpFailures;
import dev.vctt.stream.adapters.llm.sse.SseEvent;
import dev.vctt.stream.adapters.llm.sse.SseEventMapper;
import dev.vctt.stream.adapters.llm.sse.Step;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.session.FinishReason;
import java.net.http.HttpHeaders;
import java.time.Instant;

/**
 * Maps Gemini's {@code streamGenerateContent?alt=sse} events, each a whole
 * {@code GenerateContentResponse}: {@code candidates[0].content.parts[].text} is text (parts marked
 * {@code thought} are the model's thinking, not the answer), a {@code functionCall} part is a whole
 * tool call, {@code usageMetadata} is cumulative usage. There is no end marker: the event whose
 * candidate carries a {@code finishReason} is the last, and the answer is complete once it is read,
 * so a body that ends before it is a cut stream. A prompt refused outright has no candidates and a
 * {@code promptFeedback.blockReason}: an answer withheld by the provider's filter.
 *
 * <p>Billing: input is {@code promptTokenCount} (cached tokens are part of it) plus
 * {@code toolUsePromptTokenCount}; output is {@code candidatesTokenCount} plus
 * {@code thoughtsTokenCount}, since thinking tokens are billed at the output rate and are not part
 * of the candidates' count.
 */
final class GenerateContentMapper implements SseEventMapper {

    private final ObjectMapper json;
    private int toolCalls;

    GenerateContentMapper(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Step onEvent(SseEvent event, Emitter out) {
        JsonNode data;
        try {
            data = json.readTree(event.data());
        } catch (JsonProcessingException e) {
            return Step.fail(ProviderFailure.of(FailureKind.MALFORMED_STREAM, "an event is not JSON: " + e.getOriginalMessage()));
        }
        if (data == null || !data.isObject()) {
            return Step.fail(ProviderFailure.of(FailureKind.MALFORMED_STREAM, "an event is not a JSON object"));
        }
        JsonNode error = data.path("error");
        if (error.isObject()) {
            return Step.fail(ProviderFailure.of(kindOf(error), error.path("status").asText("error") + ": "
                    + error.path("message").asText("")));
        }
        JsonNode usage = data.path("usageMetadata");
        if (usage.isObject()) {
            out.usage(usage(usage));
        }
        JsonNode candidate = data.path("candidates").path(0);
        if (candidate.isMissingNode()) {
            JsonNode blocked = data.path("promptFeedback").path("blockReason");
            return blocked.isTextual() ? Step.done(FinishReason.CONTENT_FILTER) : Step.CONTINUE;
        }
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.path("thought").asBoolean(false)) {
                out.progress();
            } else if (part.path("text").isTextual()) {
                out.text(part.path("text").asText());
            } else if (part.path("functionCall").isObject()) {
                JsonNode call = part.path("functionCall");
                String id = call.path("id").asText("");
                String name = call.path("name").asText("");
                if (!name.isBlank()) {
                    toolCalls++;
                    out.toolCall(new ToolCall(id.isEmpty() ? "call_" + toolCalls : id, name,
                            call.path("args").isObject() ? call.path("args").toString() : "{}"));
                }
            }
        }
        JsonNode reason = candidate.path("finishReason");
        if (reason.isTextual() && !reason.asText().equals("FINISH_REASON_UNSPECIFIED")) {
            return finish(reason.asText());
        }
        return Step.CONTINUE;
    }

    private Step finish(String reason) {
        return switch (reason) {
            case "STOP" -> Step.done(toolCalls > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP);
            case "MAX_TOKENS" -> Step.done(FinishReason.LENGTH);
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE" ->
                    Step.done(FinishReason.CONTENT_FILTER);
            // the model broke off for a reason of its own: the answer is not a whole one
            default -> Step.fail(ProviderFailure.of(FailureKind.STREAM_ERROR_EVENT, "finishReason " + reason));
        };
    }

    private static ReportedUsage usage(JsonNode usage) {
        long input = usage.path("promptTokenCount").asLong(0) + usage.path("toolUsePromptTokenCount").asLong(0);
        if (!usage.has("candidatesTokenCount")) {
            // mid-stream reports know the prompt; the output count comes with the last event
            return ReportedUsage.inputOnly(input);
        }
        return ReportedUsage.of(input, usage.path("candidatesTokenCount").asLong(0) + usage.path("thoughtsTokenCount").asLong(0));
    }

    /**
     * Gemini answers a wrong or missing key with 400 {@code INVALID_ARGUMENT} and the reason
     * {@code API_KEY_INVALID} (a revoked or expired key, or one for another service, the same way):
     * that is the endpoint's key, not the request, so it is an authorisation failure.
     */
    @Override
    public ProviderFailure httpFailure(int status, HttpHeaders headers, String body, Instant now) {
        ProviderFailure byStatus = HttpFailures.of(status, headers, body, now);
        if (status == 400 && body != null && body.contains("API_KEY_INVALID")) {
            return ProviderFailure.ofStatus(FailureKind.UNAUTHORIZED, status, byStatus.retryAfter(), byStatus.detail());
        }
        return byStatus;
    }

    /** An error inside a 200 stream, by its gRPC status name, else its HTTP code. */
    static FailureKind kindOf(JsonNode error) {
        return switch (error.path("status").asText("")) {
            case "RESOURCE_EXHAUSTED" -> FailureKind.RATE_LIMITED;
            case "UNAVAILABLE" -> FailureKind.OVERLOADED;
            case "INTERNAL", "UNKNOWN" -> FailureKind.SERVER_ERROR;
            case "DEADLINE_EXCEEDED" -> FailureKind.REQUEST_TIMEOUT;
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION" -> FailureKind.BAD_REQUEST;
            case "UNAUTHENTICATED" -> FailureKind.UNAUTHORIZED;
            case "PERMISSION_DENIED" -> FailureKind.FORBIDDEN;
            case "NOT_FOUND" -> FailureKind.NOT_FOUND;
            default -> error.path("code").canConvertToInt() && error.path("code").asInt() >= 400
                    ? HttpFailures.kindOf(error.path("code").asInt()) : FailureKind.STREAM_ERROR_EVENT;
        };
    }
}
