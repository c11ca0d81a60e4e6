package dev.vctt.stream.domain.request;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A stream request as the client sent it: every field optional, nothing checked yet.
 * {@link RequestPolicy} turns it into a {@link StreamRequest} or names what is wrong.
 */
public record StreamRequestDraft(
        Optional<String> message,
        Optional<String> systemPrompt,
        OptionalDouble temperature,
        Optional<String> agentRole,
        Optional<Boolean> enableTools,
        Optional<List<HistoryEntryDraft>> history,
        OptionalLong maxTokens,
        Optional<String> onDisconnect,
        Optional<SmoothingDraft> smooth) {

    /** A draft from a client that does not ask for smoothing. */
    public StreamRequestDraft(Optional<String> message, Optional<String> systemPrompt, OptionalDouble temperature,
                              Optional<String> agentRole, Optional<Boolean> enableTools,
                              Optional<List<HistoryEntryDraft>> history, OptionalLong maxTokens,
                              Optional<String> onDisconnect) {
        this(message, systemPrompt, temperature, agentRole, enableTools, history, maxTokens, onDisconnect,
                Optional.empty());
    }

    /** A draft from a client that does not say what to do when it disconnects. */
    public StreamRequestDraft(Optional<String> message, Optional<String> systemPrompt, OptionalDouble temperature,
                              Optional<String> agentRole, Optional<Boolean> enableTools,
                              Optional<List<HistoryEntryDraft>> history, OptionalLong maxTokens) {
        this(message, systemPrompt, temperature, agentRole, enableTools, history, maxTokens, Optional.empty());
    }

    public StreamRequestDraft {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(temperature, "temperature");
        Objects.requireNonNull(agentRole, "agentRole");
        Objects.requireNonNull(enableTools, "enableTools");
        Objects.requireNonNull(maxTokens, "maxTokens");
        Objects.requireNonNull(onDisconnect, "onDisconnect");
        Objects.requireNonNull(smooth, "smooth");
        history = history.map(List::copyOf);
    }

    /** A draft with only a message, everything else absent. */
    public static StreamRequestDraft ofMessage(String message) {
        return new StreamRequestDraft(Optional.of(message), Optional.empty(), OptionalDouble.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), OptionalLong.empty());
    }

    public StreamRequestDraft withAgentRole(String role) {
        return new StreamRequestDraft(message, systemPrompt, temperature, Optional.of(role), enableTools, history, maxTokens, onDisconnect, smooth);
    }

    public StreamRequestDraft withTemperature(double value) {
        return new StreamRequestDraft(message, systemPrompt, OptionalDouble.of(value), agentRole, enableTools, history, maxTokens, onDisconnect, smooth);
    }

    public StreamRequestDraft withSystemPrompt(String prompt) {
        return new StreamRequestDraft(message, Optional.of(prompt), temperature, agentRole, enableTools, history, maxTokens, onDisconnect, smooth);
    }

    public StreamRequestDraft withHistory(List<HistoryEntryDraft> entries) {
        return new StreamRequestDraft(message, systemPrompt, temperature, agentRole, enableTools, Optional.of(entries), maxTokens, onDisconnect, smooth);
    }

    public StreamRequestDraft withMaxTokens(long value) {
        return new StreamRequestDraft(message, systemPrompt, temperature, agentRole, enableTools, history, OptionalLong.of(value), onDisconnect, smooth);
    }

    public StreamRequestDraft withOnDisconnect(String policy) {
        return new StreamRequestDraft(message, systemPrompt, temperature, agentRole, enableTools, history, maxTokens,
                Optional.of(policy), smooth);
    }

    public StreamRequestDraft withSmooth(SmoothingDraft value) {
        return new StreamRequestDraft(message, systemPrompt, temperature, agentRole, enableTools, history, maxTokens,
                onDisconnect, Optional.of(value));
    }
}
