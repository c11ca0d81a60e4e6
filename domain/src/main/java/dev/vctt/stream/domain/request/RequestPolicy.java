package dev.vctt.stream.domain.request;

import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.smoothing.Chunking;
import dev.vctt.stream.domain.smoothing.Smoothing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/** The rules a stream request must pass. Every broken rule is reported, not just the first. */
public final class RequestPolicy {

    private static final String ROLES = Arrays.stream(AgentRole.values()).map(AgentRole::wireName)
            .collect(Collectors.joining(", "));
    private static final String CHAT_ROLES = Arrays.stream(ChatRole.values()).map(ChatRole::wireName)
            .collect(Collectors.joining(", "));

    private static final String CHUNKINGS = Arrays.stream(Chunking.values()).map(Chunking::wireName)
            .collect(Collectors.joining(", "));

    private final RequestLimits limits;

    public RequestPolicy(RequestLimits limits) {
        this.limits = limits;
    }

    public RequestLimits limits() {
        return limits;
    }

    public RequestCheck check(StreamRequestDraft draft) {
        var violations = new ArrayList<Violation>();

        String message = draft.message().orElse(null);
        if (message == null) {
            violations.add(new Violation("message", "is required"));
        } else if (message.isBlank()) {
            violations.add(new Violation("message", "must not be blank"));
        } else if (message.length() > limits.maxMessageChars()) {
            violations.add(new Violation("message", "must be at most " + limits.maxMessageChars() + " characters"));
        }

        Optional<String> systemPrompt = draft.systemPrompt().filter(prompt -> !prompt.isBlank());
        if (systemPrompt.isPresent() && systemPrompt.get().length() > limits.maxSystemPromptChars()) {
            violations.add(new Violation("systemPrompt", "must be at most " + limits.maxSystemPromptChars() + " characters"));
        }

        double temperature = draft.temperature().orElse(Temperature.DEFAULT.value());
        if (!Temperature.isAllowed(temperature)) {
            violations.add(new Violation("temperature", "must be between 0 and 2"));
        }

        AgentRole role = AgentRole.PRIMARY;
        if (draft.agentRole().isPresent()) {
            Optional<AgentRole> named = AgentRole.fromWireName(draft.agentRole().get());
            if (named.isEmpty()) {
                violations.add(new Violation("agentRole", "must be one of " + ROLES));
            } else {
                role = named.get();
            }
        }

        List<ChatTurn> history = checkHistory(draft.history().orElse(List.of()), violations);

        OptionalInt maxTokens = OptionalInt.empty();
        if (draft.maxTokens().isPresent()) {
            long value = draft.maxTokens().getAsLong();
            if (value < 1 || value > limits.maxOutputTokens()) {
                violations.add(new Violation("maxTokens", "must be between 1 and " + limits.maxOutputTokens()));
            } else {
                maxTokens = OptionalInt.of((int) value);
            }
        }

        DisconnectPolicy onDisconnect = DisconnectPolicy.CONTINUE;
        if (draft.onDisconnect().isPresent()) {
            Optional<DisconnectPolicy> named = DisconnectPolicy.fromWireName(draft.onDisconnect().get());
            if (named.isEmpty()) {
                violations.add(new Violation("onDisconnect", "must be continue or cancel"));
            } else {
                onDisconnect = named.get();
            }
        }

        Optional<Smoothing> smoothing = draft.smooth().flatMap(smooth -> checkSmoothing(smooth, violations));

        if (!violations.isEmpty()) {
            return new RequestCheck.Invalid(violations);
        }
        return new RequestCheck.Valid(new StreamRequest(message, systemPrompt, new Temperature(temperature), role,
                draft.enableTools().orElse(true), history, maxTokens, onDisconnect, smoothing));
    }

    /** A field left out takes its default ({@code word}, 30 ms); {@code maxDelayMs: 0} turns smoothing off. */
    private static Optional<Smoothing> checkSmoothing(SmoothingDraft draft, List<Violation> violations) {
        Chunking chunking = Smoothing.DEFAULT_CHUNKING;
        boolean valid = true;
        if (draft.chunking().isPresent()) {
            Optional<Chunking> named = Chunking.fromWireName(draft.chunking().get());
            if (named.isEmpty()) {
                violations.add(new Violation("smooth.chunking", "must be one of " + CHUNKINGS));
                valid = false;
            } else {
                chunking = named.get();
            }
        }
        Duration maxDelay = Smoothing.DEFAULT_DELAY;
        if (draft.maxDelayMs().isPresent()) {
            long millis = draft.maxDelayMs().getAsLong();
            if (!Smoothing.isAllowedDelayMillis(millis)) {
                violations.add(new Violation("smooth.maxDelayMs",
                        "must be between 0 and " + Smoothing.MAX_DELAY.toMillis()));
                valid = false;
            } else {
                maxDelay = Duration.ofMillis(millis);
            }
        }
        return valid ? Optional.of(new Smoothing(chunking, maxDelay)) : Optional.empty();
    }

    private List<ChatTurn> checkHistory(List<HistoryEntryDraft> entries, List<Violation> violations) {
        if (entries.size() > limits.maxHistoryEntries()) {
            violations.add(new Violation("history", "must have at most " + limits.maxHistoryEntries() + " entries"));
            return List.of();
        }
        var turns = new ArrayList<ChatTurn>(entries.size());
        long chars = 0;
        for (int i = 0; i < entries.size(); i++) {
            HistoryEntryDraft entry = entries.get(i);
            String field = "history[" + i + "]";
            Optional<ChatRole> role = entry.role().flatMap(ChatRole::fromWireName);
            if (role.isEmpty()) {
                violations.add(new Violation(field + ".role", "must be one of " + CHAT_ROLES));
            }
            if (entry.content().isEmpty()) {
                violations.add(new Violation(field + ".content", "is required"));
            } else {
                chars += entry.content().get().length();
            }
            if (role.isPresent() && entry.content().isPresent()) {
                turns.add(new ChatTurn(role.get(), entry.content().get()));
            }
        }
        if (chars > limits.maxHistoryChars()) {
            violations.add(new Violation("history", "must have at most " + limits.maxHistoryChars() + " characters in all"));
        }
        return turns;
    }
}
