package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.Temperature;
import dev.vctt.stream.domain.routing.ModelId;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What one provider call asks a model: the conversation, the sampling temperature, the output cap,
 * and the tools it may call (none unless the stream runs a tool loop).
 */
public record CompletionRequest(ModelId model, List<ChatTurn> conversation, Temperature temperature,
                                OptionalInt maxOutputTokens, List<ToolDefinition> tools) {

    public CompletionRequest(ModelId model, List<ChatTurn> conversation, Temperature temperature,
                             OptionalInt maxOutputTokens) {
        this(model, conversation, temperature, maxOutputTokens, List.of());
    }

    public CompletionRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(temperature, "temperature");
        Objects.requireNonNull(maxOutputTokens, "maxOutputTokens");
        conversation = List.copyOf(conversation);
        tools = List.copyOf(tools);
        if (conversation.isEmpty()) {
            throw new IllegalArgumentException("a completion request needs at least one turn");
        }
    }

    public CompletionRequest withModel(ModelId other) {
        return new CompletionRequest(other, conversation, temperature, maxOutputTokens, tools);
    }

    /** The same request for the next step of a tool loop, or for another model: a new conversation. */
    public CompletionRequest with(ModelId other, List<ChatTurn> turns) {
        return new CompletionRequest(other, turns, temperature, maxOutputTokens, tools);
    }
}
