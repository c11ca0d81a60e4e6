package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.Temperature;
import dev.vctt.stream.domain.routing.ModelId;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/** What one provider call asks a model: the conversation, the sampling temperature, the output cap. */
public record CompletionRequest(ModelId model, List<ChatTurn> conversation, Temperature temperature,
                                OptionalInt maxOutputTokens) {

    public CompletionRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(temperature, "temperature");
        Objects.requireNonNull(maxOutputTokens, "maxOutputTokens");
        conversation = List.copyOf(conversation);
        if (conversation.isEmpty()) {
            throw new IllegalArgumentException("a completion request needs at least one turn");
        }
    }

    public CompletionRequest withModel(ModelId other) {
        return new CompletionRequest(other, conversation, temperature, maxOutputTokens);
    }
}
