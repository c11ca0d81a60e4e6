package dev.vctt.stream.adapters.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.sse.Emitter;
import dev.vctt.stream.adapters.llm.sse.HttpFailures;
import dev.vctt.stream.adapters.llm.sse.SseEvent;
import dev.vctt.stream.adapters.llm.sse.SseEventMapper;
import dev.vctt.stream.adapters.llm.sse.Step;
import dev.vctt.stream.adapters.llm.sse.ToolCallAssembler;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.session.FinishReason;

/**
 * Maps Chat Completions chunks: {@code choices[0].delta.content} (and {@code refusal}) are text,
 * {@code finish_reason} is remembered, the {@code usage} chunk is reported, {@code [DONE]} ends the
 * answer. A {@code {"error": …}} chunk, an {@code event: error}, or {@code finish_reason: "error"}
 * fails the stream; so does the body ending before {@code [DONE]}. Tool-call fragments are joined
 * by index and handed over whole when the choice finishes; they never reach the client as text.
 */
final class ChatCompletionsMapper implements SseEventMapper {

    private static final String DONE = "[DONE]";

    private final ObjectMapper json;
    private final ChatCompletionsDialect dialect;
    private final ToolCallAssembler toolCalls = new ToolCallAssembler();
    private FinishReason finishReason = FinishReason.STOP;

    ChatCompletionsMapper(ObjectMapper json, ChatCompletionsDialect dialect) {
        this.json = json;
        this.dialect = dialect;
    }

    @Override
    public Step onEvent(SseEvent event, Emitter out) {
        String data = event.data();
        if ("error".equals(event.type())) {
            return streamError(HttpFailures.detail(data));
        }
        if (data.startsWith(DONE)) {
            toolCalls.finishAll().forEach(out::toolCall);
            return Step.done(finishReason);
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(data);
        } catch (JsonProcessingException e) {
            return Step.fail(ProviderFailure.of(FailureKind.MALFORMED_STREAM, "a chunk is not JSON: " + e.getOriginalMessage()));
        }
        if (chunk == null || !chunk.isObject()) {
            return Step.fail(ProviderFailure.of(FailureKind.MALFORMED_STREAM, "a chunk is not a JSON object"));
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            return streamError(HttpFailures.detail(data));
        }
        JsonNode usage = chunk.get("usage");
        if (usage != null && usage.isObject()) {
            out.usage(usageOf(usage));
        }
        JsonNode choice = chunk.path("choices").path(0);
        if (choice.isObject()) {
            JsonNode delta = choice.path("delta");
            text(delta.get("content"), out);
            text(delta.get("refusal"), out);
            toolCallFragments(delta.get("tool_calls"), out);
            JsonNode reason = choice.get("finish_reason");
            if (reason != null && reason.isTextual()) {
                if ("error".equals(reason.asText())) {
                    return streamError("the provider ended the stream with finish_reason \"error\"");
                }
                finishReason = finishReasonOf(reason.asText());
                toolCalls.finishAll().forEach(out::toolCall);
            }
        }
        return Step.CONTINUE;
    }

    private static void text(JsonNode value, Emitter out) {
        if (value != null && value.isTextual() && !value.asText().isEmpty()) {
            out.text(value.asText());
        }
    }

    /** {@code tool_calls} fragments: the first carries id and name, later ones only argument text. */
    private void toolCallFragments(JsonNode calls, Emitter out) {
        if (calls == null || !calls.isArray()) {
            return;
        }
        for (JsonNode call : calls) {
            int index = call.path("index").asInt(0);
            JsonNode function = call.path("function");
            toolCalls.start(index, call.path("id").asText(""), function.path("name").asText(""));
            if (function.path("arguments").isTextual()) {
                toolCalls.append(index, function.path("arguments").asText());
            }
            out.progress();
        }
    }

    private ReportedUsage usageOf(JsonNode usage) {
        long input = usage.path("prompt_tokens").asLong(0);
        long output = usage.path("completion_tokens").asLong(0);
        if (dialect.reasoningOutsideCompletion()) {
            output += usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
        }
        return ReportedUsage.of(input, output);
    }

    private static FinishReason finishReasonOf(String reason) {
        return switch (reason) {
            case "length" -> FinishReason.LENGTH;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
            default -> FinishReason.STOP;
        };
    }

    private static Step streamError(String detail) {
        return Step.fail(ProviderFailure.of(FailureKind.STREAM_ERROR_EVENT, detail));
    }
}
