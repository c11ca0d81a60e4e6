package dev.vctt.stream.adapters.llm.sse.chatcompletions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.domain.request.ChatTurn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The streaming Chat Completions request body: model, messages, temperature, the output cap under
 * the field the server knows, {@code stream: true} and {@code stream_options.include_usage} (so the
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
                out.writeStartObject();
                out.writeStringField("role", turn.role().wireName());
                out.writeStringField("content", turn.content());
                out.writeEndObject();
            }
            out.writeEndArray();
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
