package dev.vctt.stream.application.port;

import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.quality.StreamQuality;
import dev.vctt.stream.domain.request.ChatTurn;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored session as the API shows it. {@code status} is {@code running}, {@code completed},
 * {@code cancelled}, {@code failed} or {@code interrupted}; {@code messages} are the turns sent
 * (system prompt, history, the question) and the answer as the last assistant turn; {@code quality} how the
 * stream went (unknown while it runs); {@code toolCalls} each call of its tool loop (known once it ended).
 */
public record SessionView(String id, String status, String agentRole, Optional<String> apiKeyId,
                          Optional<String> requestId, double temperature, Instant startedAt,
                          Optional<Instant> firstTokenAt, Optional<Instant> endedAt, TokenUsage usage, Usd cost,
                          boolean usageEstimated, Optional<String> finishReason, Optional<String> errorCode,
                          Optional<String> errorMessage, List<ModelTried> modelsTried, List<ChatTurn> messages,
                          StreamQuality quality, List<ToolCallRecord> toolCalls) {

    public SessionView(String id, String status, String agentRole, Optional<String> apiKeyId,
                       Optional<String> requestId, double temperature, Instant startedAt,
                       Optional<Instant> firstTokenAt, Optional<Instant> endedAt, TokenUsage usage, Usd cost,
                       boolean usageEstimated, Optional<String> finishReason, Optional<String> errorCode,
                       Optional<String> errorMessage, List<ModelTried> modelsTried, List<ChatTurn> messages,
                       StreamQuality quality) {
        this(id, status, agentRole, apiKeyId, requestId, temperature, startedAt, firstTokenAt, endedAt, usage, cost,
                usageEstimated, finishReason, errorCode, errorMessage, modelsTried, messages, quality, List.of());
    }

    public SessionView(String id, String status, String agentRole, Optional<String> apiKeyId,
                       Optional<String> requestId, double temperature, Instant startedAt,
                       Optional<Instant> firstTokenAt, Optional<Instant> endedAt, TokenUsage usage, Usd cost,
                       boolean usageEstimated, Optional<String> finishReason, Optional<String> errorCode,
                       Optional<String> errorMessage, List<ModelTried> modelsTried, List<ChatTurn> messages) {
        this(id, status, agentRole, apiKeyId, requestId, temperature, startedAt, firstTokenAt, endedAt, usage, cost,
                usageEstimated, finishReason, errorCode, errorMessage, modelsTried, messages, StreamQuality.unknown());
    }

    /** One model the session asked, and how that ended. */
    public record ModelTried(String model, String outcome, Optional<String> reason) {
        public ModelTried {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public SessionView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(agentRole, "agentRole");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(quality, "quality");
        modelsTried = List.copyOf(modelsTried);
        messages = List.copyOf(messages);
        toolCalls = List.copyOf(toolCalls);
    }
}
