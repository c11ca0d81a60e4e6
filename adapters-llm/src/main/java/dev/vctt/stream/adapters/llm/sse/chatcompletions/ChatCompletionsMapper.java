package dev.vctt.stream.adapters.llm.sse.chatcompletions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
import java.io.IOException;

/**
 * Maps Chat Completions chunks: {@code choices[0].delta.content} (and {@code refusal}) are text,
 * {@code finish_reason} is remembered, the {@code usage} chunk is reported, {@code [DONE]} ends the
 * answer. A {@code {"error": …}} chunk, an {@code event: error}, or {@code finish_reason: "error"}
 * fails the stream; so does the body ending before {@code [DONE]}. Tool-call fragments are joined
 * by index and handed over whole when the choice finishes; they never reach the client as text.
 *
 * <p>Chunks are read with Jackson's streaming parser, field by field, skipping what is not needed
 * ({@code obfuscation}, logprobs, ids, Azure's {@code prompt_filter_results} and
 * {@code content_filter_results}): this runs once per token, and a tree per chunk cost more than
 * everything else the mapper does.
 *
 * <p>Shared by the families that speak Chat Completions (OpenAI and compatible servers, xAI, Azure
 * OpenAI); it lives beside the SSE call because family packages may only share what is here.
 */
public final class ChatCompletionsMapper implements SseEventMapper {

    private static final String DONE = "[DONE]";

    private final JsonFactory json;
    private final boolean reasoningOutsideCompletion;
    private final ToolCallAssembler toolCalls = new ToolCallAssembler();
    private FinishReason finishReason = FinishReason.STOP;

    /**
     * @param reasoningOutsideCompletion the server reports reasoning tokens outside
     *        {@code completion_tokens} (xAI) and bills them as output, so they are added to it
     */
    public ChatCompletionsMapper(JsonFactory json, boolean reasoningOutsideCompletion) {
        this.json = json;
        this.reasoningOutsideCompletion = reasoningOutsideCompletion;
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
        try (JsonParser chunk = json.createParser(data)) {
            if (chunk.nextToken() != JsonToken.START_OBJECT) {
                return Step.fail(ProviderFailure.of(FailureKind.MALFORMED_STREAM, "a chunk is not a JSON object"));
            }
            while (chunk.nextToken() == JsonToken.FIELD_NAME) {
                String field = chunk.currentName();
                JsonToken value = chunk.nextToken();
                switch (field) {
                    case "error" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            return streamError(HttpFailures.detail(data));
                        }
                    }
                    case "usage" -> {
                        if (value == JsonToken.START_OBJECT) {
                            out.usage(usage(chunk));
                        }
                    }
                    case "choices" -> {
                        if (value == JsonToken.START_ARRAY && choices(chunk, out)) {
                            return streamError("the provider ended the stream with finish_reason \"error\"");
                        }
                    }
                    default -> chunk.skipChildren();
                }
            }
            return Step.CONTINUE;
        } catch (JsonProcessingException e) {
            return Step.fail(ProviderFailure.of(FailureKind.MALFORMED_STREAM, "a chunk is not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            return Step.fail(ProviderFailure.of(FailureKind.MALFORMED_STREAM, "a chunk cannot be read: " + e.getMessage()));
        }
    }

    /** Reads {@code choices}; only the first choice counts. True if it finished with "error". */
    private boolean choices(JsonParser chunk, Emitter out) throws IOException {
        boolean first = true;
        boolean failed = false;
        JsonToken token;
        while ((token = chunk.nextToken()) != JsonToken.END_ARRAY && token != null) {
            if (token != JsonToken.START_OBJECT || !first) {
                chunk.skipChildren();
                continue;
            }
            first = false;
            while (chunk.nextToken() == JsonToken.FIELD_NAME) {
                String field = chunk.currentName();
                JsonToken value = chunk.nextToken();
                if (field.equals("delta") && value == JsonToken.START_OBJECT) {
                    delta(chunk, out);
                } else if (field.equals("finish_reason") && value == JsonToken.VALUE_STRING) {
                    String reason = chunk.getText();
                    if (reason.equals("error")) {
                        failed = true;
                    } else {
                        finishReason = finishReasonOf(reason);
                        toolCalls.finishAll().forEach(out::toolCall);
                    }
                } else {
                    chunk.skipChildren();
                }
            }
        }
        return failed;
    }

    private void delta(JsonParser chunk, Emitter out) throws IOException {
        while (chunk.nextToken() == JsonToken.FIELD_NAME) {
            String field = chunk.currentName();
            JsonToken value = chunk.nextToken();
            if ((field.equals("content") || field.equals("refusal")) && value == JsonToken.VALUE_STRING) {
                String text = chunk.getText();
                if (!text.isEmpty()) {
                    out.text(text);
                }
            } else if (field.equals("tool_calls") && value == JsonToken.START_ARRAY) {
                toolCallFragments(chunk, out);
            } else {
                chunk.skipChildren();
            }
        }
    }

    /** {@code tool_calls} fragments: the first carries id and name, later ones only argument text. */
    private void toolCallFragments(JsonParser chunk, Emitter out) throws IOException {
        while (chunk.nextToken() == JsonToken.START_OBJECT) {
            int index = 0;
            String id = "";
            String name = "";
            String arguments = null;
            while (chunk.nextToken() == JsonToken.FIELD_NAME) {
                String field = chunk.currentName();
                JsonToken value = chunk.nextToken();
                switch (field) {
                    case "index" -> index = chunk.getValueAsInt(0);
                    case "id" -> id = value == JsonToken.VALUE_STRING ? chunk.getText() : "";
                    case "function" -> {
                        if (value == JsonToken.START_OBJECT) {
                            while (chunk.nextToken() == JsonToken.FIELD_NAME) {
                                String part = chunk.currentName();
                                JsonToken partValue = chunk.nextToken();
                                if (part.equals("name") && partValue == JsonToken.VALUE_STRING) {
                                    name = chunk.getText();
                                } else if (part.equals("arguments") && partValue == JsonToken.VALUE_STRING) {
                                    arguments = chunk.getText();
                                } else {
                                    chunk.skipChildren();
                                }
                            }
                        }
                    }
                    default -> chunk.skipChildren();
                }
            }
            toolCalls.start(index, id, name);
            if (arguments != null) {
                toolCalls.append(index, arguments);
            }
            out.progress();
        }
    }

    private ReportedUsage usage(JsonParser chunk) throws IOException {
        long input = 0;
        long output = 0;
        long reasoning = 0;
        while (chunk.nextToken() == JsonToken.FIELD_NAME) {
            String field = chunk.currentName();
            JsonToken value = chunk.nextToken();
            switch (field) {
                case "prompt_tokens" -> input = chunk.getValueAsLong(0);
                case "completion_tokens" -> output = chunk.getValueAsLong(0);
                case "completion_tokens_details" -> {
                    if (value == JsonToken.START_OBJECT) {
                        while (chunk.nextToken() == JsonToken.FIELD_NAME) {
                            String detail = chunk.currentName();
                            chunk.nextToken();
                            if (detail.equals("reasoning_tokens")) {
                                reasoning = chunk.getValueAsLong(0);
                            } else {
                                chunk.skipChildren();
                            }
                        }
                    }
                }
                default -> chunk.skipChildren();
            }
        }
        return ReportedUsage.of(input, reasoningOutsideCompletion ? output + reasoning : output);
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
