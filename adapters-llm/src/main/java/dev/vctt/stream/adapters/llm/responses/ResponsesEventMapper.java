package dev.vctt.stream.adapters.llm.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.sse.Emitter;
import dev.vctt.stream.adapters.llm.sse.SseEvent;
import dev.vctt.stream.adapters.llm.sse.SseEventMapper;
import dev.vctt.stream.adapters.llm.sse.Step;
import dev.vctt.stream.adapters.llm.sse.ToolCallAssembler;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.session.FinishReason;

/**
 * Maps the Responses API's semantic events. Text is {@code response.output_text.delta} (and
 * {@code response.refusal.delta}, as Chat Completions' refusal is); a {@code function_call} output
 * item and its {@code response.function_call_arguments.delta} fragments become one tool call when
 * the item is done. The stream has no {@code [DONE]}: it ends with {@code response.completed}
 * (usage), {@code response.incomplete} (usage; {@code max_output_tokens} is a length finish,
 * {@code content_filter} a filtered one), {@code response.failed} (the response's {@code error}) or
 * an {@code error} event. Anything else ({@code response.created}, part and item bookkeeping,
 * reasoning summaries, events added later) is skipped. The type is read from the JSON, which
 * carries it too.
 *
 * <p>Billing: {@code usage.input_tokens} (cached tokens are part of it) and {@code output_tokens},
 * which already includes {@code output_tokens_details.reasoning_tokens}.
 */
final class ResponsesEventMapper implements SseEventMapper {

    private final ObjectMapper json;
    private final ToolCallAssembler toolCalls = new ToolCallAssembler();
    private boolean calledTools;

    ResponsesEventMapper(ObjectMapper json) {
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
        switch (data.path("type").asText(event.type())) {
            case "response.output_text.delta", "response.refusal.delta" -> out.text(data.path("delta").asText(""));
            case "response.output_item.added" -> {
                JsonNode item = data.path("item");
                if ("function_call".equals(item.path("type").asText())) {
                    toolCalls.start(data.path("output_index").asInt(0), item.path("call_id").asText(""),
                            item.path("name").asText(""));
                    toolCalls.append(data.path("output_index").asInt(0), item.path("arguments").asText(""));
                    out.progress();
                }
            }
            // the model is thinking: not answer text, but a sign of life that ends the wait for a first token
            case "response.reasoning_summary_text.delta", "response.reasoning_text.delta" -> out.progress();
            case "response.function_call_arguments.delta" -> {
                toolCalls.append(data.path("output_index").asInt(0), data.path("delta").asText(""));
                out.progress();
            }
            case "response.output_item.done" -> {
                if ("function_call".equals(data.path("item").path("type").asText())) {
                    calledTools = true;
                    toolCalls.finish(data.path("output_index").asInt(0)).forEach(out::toolCall);
                }
            }
            case "response.completed" -> {
                end(data.path("response"), out);
                return Step.done(calledTools ? FinishReason.TOOL_CALLS : FinishReason.STOP);
            }
            case "response.incomplete" -> {
                end(data.path("response"), out);
                String reason = data.path("response").path("incomplete_details").path("reason").asText("");
                return Step.done(reason.equals("content_filter") ? FinishReason.CONTENT_FILTER : FinishReason.LENGTH);
            }
            case "response.failed" -> {
                JsonNode response = data.path("response");
                usage(response, out);
                JsonNode error = response.path("error");
                return fail(error.path("code").asText(""), error.path("message").asText("the response failed"));
            }
            case "error" -> {
                // the documented shape has code and message at the top; some relays nest them in "error"
                JsonNode error = data.path("error").isObject() ? data.path("error") : data;
                return fail(error.path("code").asText(""), error.path("message").asText("error event"));
            }
            default -> {
                // lifecycle, part and item bookkeeping, reasoning, and event types added later
            }
        }
        return Step.CONTINUE;
    }

    private void end(JsonNode response, Emitter out) {
        usage(response, out);
        toolCalls.finishAll().forEach(call -> {
            calledTools = true;
            out.toolCall(call);
        });
    }

    private static void usage(JsonNode response, Emitter out) {
        JsonNode usage = response.path("usage");
        if (usage.isObject()) {
            out.usage(ReportedUsage.of(usage.path("input_tokens").asLong(0), usage.path("output_tokens").asLong(0)));
        }
    }

    private static Step fail(String code, String message) {
        return Step.fail(ProviderFailure.of(kindOf(code), code.isEmpty() ? message : code + ": " + message));
    }

    /** In-stream failures carry a code, not an HTTP status. */
    static FailureKind kindOf(String code) {
        return switch (code) {
            case "rate_limit_exceeded" -> FailureKind.RATE_LIMITED;
            case "server_error" -> FailureKind.SERVER_ERROR;
            case "server_is_overloaded", "slow_down" -> FailureKind.OVERLOADED;
            case "invalid_prompt", "invalid_request_error", "context_length_exceeded" -> FailureKind.BAD_REQUEST;
            default -> FailureKind.STREAM_ERROR_EVENT;
        };
    }
}
