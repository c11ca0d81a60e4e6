package dev.vctt.stream.domain.request;

import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.smoothing.Smoothing;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** A request that passed every rule of {@link RequestPolicy}. */
public record StreamRequest(
        String message,
        Optional<String> systemPrompt,
        Temperature temperature,
        AgentRole role,
        boolean toolsEnabled,
        List<ChatTurn> history,
        OptionalInt maxTokens,
        DisconnectPolicy onDisconnect,
        Optional<Smoothing> smoothing) {

    /** A request that says nothing about smoothing (the server's default applies). */
    public StreamRequest(String message, Optional<String> systemPrompt, Temperature temperature, AgentRole role,
                         boolean toolsEnabled, List<ChatTurn> history, OptionalInt maxTokens,
                         DisconnectPolicy onDisconnect) {
        this(message, systemPrompt, temperature, role, toolsEnabled, history, maxTokens, onDisconnect, Optional.empty());
    }

    /** A request that keeps its stream running for a resume when its client drops. */
    public StreamRequest(String message, Optional<String> systemPrompt, Temperature temperature, AgentRole role,
                         boolean toolsEnabled, List<ChatTurn> history, OptionalInt maxTokens) {
        this(message, systemPrompt, temperature, role, toolsEnabled, history, maxTokens, DisconnectPolicy.CONTINUE);
    }

    public StreamRequest {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(temperature, "temperature");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(maxTokens, "maxTokens");
        Objects.requireNonNull(onDisconnect, "onDisconnect");
        Objects.requireNonNull(smoothing, "smoothing");
        history = List.copyOf(history);
        if (message.isBlank()) {
            throw new IllegalArgumentException("message must not be blank");
        }
    }

    /** What the model is sent: the system prompt, the history, then the new user message. */
    public List<ChatTurn> conversation() {
        var turns = new ArrayList<ChatTurn>(history.size() + 2);
        systemPrompt.ifPresent(prompt -> turns.add(new ChatTurn(ChatRole.SYSTEM, prompt)));
        turns.addAll(history);
        turns.add(new ChatTurn(ChatRole.USER, message));
        return List.copyOf(turns);
    }

    /** The same request with the smoothing another request asked for (a band's members inherit the band's). */
    public StreamRequest withSmoothing(Optional<Smoothing> value) {
        return new StreamRequest(message, systemPrompt, temperature, role, toolsEnabled, history, maxTokens,
                onDisconnect, value);
    }
}
