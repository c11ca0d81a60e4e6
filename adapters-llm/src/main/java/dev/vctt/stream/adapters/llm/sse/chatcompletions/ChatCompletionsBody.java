package dev.vctt.stream.adapters.llm.sse.chatcompletions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.ToolDefinition;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.ToolReply;
import dev.vctt.stream.domain.request.ToolUse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The streaming Chat Completions request body: model, messages, temperature, the output cap under
 * the field the server knows, the tools offered (and the tool calls and results of earlier steps),
 * {@code stream: true} and {@code stream_options.include_usage} (so the
 * last chunk reports usage). Shared by every family that speaks Chat Completions.
 *
 * @param maxTokensField     {@code max_completion_tokens} (OpenAI, xAI, Azure) or {@code max_tokens} (older local servers)
 * @param disableObfuscation send {@code stream_options.include_obfuscation: false} (OpenAI only; saves bytes)
 */
public record ChatCompletionsBody(String maxTokensField, boolean disableObfuscation) {

    public byte[] write(JsonFactory json, CompletionRequest request) {
        var bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = json.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("model", request.model().value());
            out.writeArrayFieldStart("messages");
            for (ChatTurn turn : request.conversation()) {
                if (!turn.toolReplies().isEmpty()) {
                    // one "tool" message per result, answering the assistant's tool_calls by id
                    for (ToolReply reply : turn.toolReplies()) {
                        out.writeStartObject();
                        out.writeStringField("role", "tool");
                        out.writeStringField("tool_call_id", reply.toolUseId());
                        out.writeStringField("content", reply.error() ? "Error: " + reply.content() : reply.content());
                        out.writeEndObject();
                    }
                    continue;
                }
                out.writeStartObject();
                out.writeStringField("role", turn.role().wireName());
                if (turn.toolUses().isEmpty()) {
                    out.writeStringField("content", turn.content());
                } else {
                    if (turn.content().isEmpty()) {
                        out.writeNullField("content");
                    } else {
                        out.writeStringField("content", turn.content());
                    }
                    out.writeArrayFieldStart("tool_calls");
                    for (ToolUse use : turn.toolUses()) {
                        out.writeStartObject();
                        out.writeStringField("id", use.id());
                        out.writeStringField("type", "function");
                        out.writeObjectFieldStart("function");
                        out.writeStringField("name", use.name());
                        out.writeStringField("arguments", use.argumentsJson());
                        out.writeEndObject();
                        out.writeEndObject();
                    }
                    out.writeEndArray();
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            if (!request.tools().isEmpty()) {
                out.writeArrayFieldStart("tools");
                for (ToolDefinition tool : request.tools()) {
                    out.writeStartObject();
                    out.writeStringField("type", "function");
                    out.writeObjectFieldStart("function");
                    out.writeStringField("name", tool.name());
                    out.writeStringField("description", tool.description());
                    out.writeFieldName("parameters");
                    out.writeRawValue(tool.inputSchemaJson());
                    out.writeEndObject();
                    out.writeEndObject();
                }
                out.writeEndArray();
            }
            out.writeNumberField("temperature", request.temperature().value());
            if (request.maxOutputTokens().isPresent()) {
                out.writeNumberField(maxTokensField, request.maxOutputTokens().getAsInt());
            }
            out.writeBooleanField("stream", true);
            out.writeObjectFieldStart("stream_options");
            out.writeBooleanField("include_usage", true);
            if (disableObfuscation) {
                out.writeBooleanField("include_obfuscation", false);
            }
            out.writeEndObject();
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
