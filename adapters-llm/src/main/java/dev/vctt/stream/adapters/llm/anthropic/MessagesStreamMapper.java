package dev.vctt.stream.adapters.llm.anthropic;

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
 * Maps the Messages event stream: input usage from {@code message_start}, text from
 * {@code text_delta}, tool calls from a {@code tool_use} block and its {@code input_json_delta}
 * fragments, the stop reason and cumulative output usage from {@code message_delta}, the end at
 * {@code message_stop}. {@code ping} and unknown events are skipped; an {@code error} event is
 * classified by its {@code error.type}, since it arrives on an HTTP 200 stream. The event type is
 * read from the JSON, which carries it too, so a relay that renames the SSE event still works.
 */
final class MessagesStreamMapper implements SseEventMapper {

    private final ObjectMapper json;
    private final ToolCallAssembler toolCalls = new ToolCallAssembler();
    private FinishReason finishReason = FinishReason.STOP;

    MessagesStreamMapper(ObjectMapper json) {
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
        String type = data.path("type").asText(event.type());
        switch (type) {
            case "message_start" -> {
                JsonNode usage = data.path("message").path("usage");
                if (usage.isObject()) {
                    out.usage(ReportedUsage.inputOnly(inputTokens(usage)));
                }
            }
            case "content_block_start" -> {
                JsonNode block = data.path("content_block");
                if ("tool_use".equals(block.path("type").asText())) {
                    toolCalls.start(data.path("index").asInt(0), block.path("id").asText(""), block.path("name").asText(""));
                    out.progress();
                } else if (block.path("text").isTextual() && !block.path("text").asText().isEmpty()) {
                    out.text(block.path("text").asText());
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = data.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> out.text(delta.path("text").asText(""));
                    case "input_json_delta" -> {
                        toolCalls.append(data.path("index").asInt(0), delta.path("partial_json").asText(""));
                        out.progress();
                    }
                    default -> {
                        // thinking, signatures and citations are not part of the answer text
                    }
                }
            }
            case "content_block_stop" -> toolCalls.finish(data.path("index").asInt(0)).forEach(out::toolCall);
            case "message_delta" -> {
                JsonNode reason = data.path("delta").path("stop_reason");
                if (reason.isTextual()) {
                    finishReason = finishReasonOf(reason.asText());
                }
                JsonNode usage = data.path("usage");
                if (usage.has("output_tokens")) {
                    long output = usage.path("output_tokens").asLong(0);
                    out.usage(usage.has("input_tokens") ? ReportedUsage.of(inputTokens(usage), output)
                            : ReportedUsage.outputOnly(output));
                }
            }
            case "message_stop" -> {
                toolCalls.finishAll().forEach(out::toolCall);
                return Step.done(finishReason);
            }
            case "error" -> {
                JsonNode error = data.path("error");
                return Step.fail(ProviderFailure.of(kindOf(error.path("type").asText("")),
                        error.path("type").asText("error") + ": " + error.path("message").asText("")));
            }
            default -> {
                // ping, and event types added after this adapter was written
            }
        }
        return Step.CONTINUE;
    }

    /** Billed input is the uncached input plus what was written to and read from the prompt cache. */
    private static long inputTokens(JsonNode usage) {
        return usage.path("input_tokens").asLong(0) + usage.path("cache_creation_input_tokens").asLong(0)
                + usage.path("cache_read_input_tokens").asLong(0);
    }

    static FailureKind kindOf(String errorType) {
        return switch (errorType) {
            case "overloaded_error" -> FailureKind.OVERLOADED;
            case "rate_limit_error" -> FailureKind.RATE_LIMITED;
            case "api_error" -> FailureKind.SERVER_ERROR;
            case "invalid_request_error", "request_too_large" -> FailureKind.BAD_REQUEST;
            case "authentication_error" -> FailureKind.UNAUTHORIZED;
            case "permission_error", "billing_error" -> FailureKind.FORBIDDEN;
            case "not_found_error" -> FailureKind.NOT_FOUND;
            default -> FailureKind.STREAM_ERROR_EVENT;
        };
    }

    private static FinishReason finishReasonOf(String reason) {
        return switch (reason) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP;
        };
    }
}
