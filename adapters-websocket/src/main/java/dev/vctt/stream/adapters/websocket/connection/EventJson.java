package dev.vctt.stream.adapters.websocket.connection;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.BandCompleted;
import dev.vctt.stream.application.port.in.BandMember;
import dev.vctt.stream.application.port.in.BandMemberResult;
import dev.vctt.stream.application.port.in.BandStarted;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.Verdict;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.in.StreamToolCall;
import dev.vctt.stream.application.port.in.StreamToolResult;
import dev.vctt.stream.application.port.in.StreamResync;
import dev.vctt.stream.application.port.in.StreamStarted;
import dev.vctt.stream.domain.cost.UsageSource;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.session.AttemptEnd;
import dev.vctt.stream.domain.session.AttemptResult;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.SessionId;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The data object of each server event, the same for every protocol. Field names are the earlier
 * gateway's, plus additions; money is written as an exact JSON number; timestamps are ISO-8601 UTC
 * with milliseconds.
 */
public final class EventJson {

    private EventJson() {
    }

    public static void started(JsonGenerator out, StreamStarted event) throws IOException {
        out.writeStartObject();
        out.writeStringField("sessionId", event.sessionId().value());
        out.writeStringField("model", event.model().value());
        out.writeStringField("agentRole", event.role().wireName());
        requestId(out, event.requestId());
        timestamp(out, event.at());
        out.writeEndObject();
    }

    public static void chunk(JsonGenerator out, StreamChunk event) throws IOException {
        out.writeStartObject();
        out.writeStringField("sessionId", event.sessionId().value());
        out.writeNumberField("index", event.index());
        out.writeStringField("chunk", event.text());
        out.writeStringField("model", event.model().value());
        out.writeNumberField("tokensUsed", event.tokensUsed().value());
        money(out, "estimatedCost", event.estimatedCost());
        timestamp(out, event.at());
        out.writeEndObject();
    }

    public static void completed(JsonGenerator out, StreamCompleted event) throws IOException {
        out.writeStartObject();
        out.writeStringField("sessionId", event.sessionId().value());
        out.writeStringField("fullText", event.fullText());
        out.writeNumberField("totalTokens", event.usage().total().value());
        out.writeNumberField("inputTokens", event.usage().input().value());
        out.writeNumberField("outputTokens", event.usage().output().value());
        money(out, "totalCost", event.totalCost());
        out.writeBooleanField("usageEstimated", event.usageSource() == UsageSource.ESTIMATED);
        out.writeNumberField("latencyMs", event.latency().toMillis());
        if (event.timeToFirstToken().isPresent()) {
            out.writeNumberField("firstTokenMs", event.timeToFirstToken().get().toMillis());
        } else {
            out.writeNullField("firstTokenMs");
        }
        out.writeStringField("model", event.model().value());
        out.writeStringField("finishReason", event.finishReason().wireName());
        out.writeBooleanField("fallbackUsed", event.fallbackUsed());
        out.writeNumberField("steps", event.steps());
        out.writeNumberField("toolCalls", event.toolCalls());
        modelsTried(out, event.attempts());
        requestId(out, event.requestId());
        timestamp(out, event.at());
        out.writeEndObject();
    }

    public static void resynced(JsonGenerator out, StreamResync event) throws IOException {
        out.writeStartObject();
        out.writeStringField("sessionId", event.sessionId().value());
        out.writeNumberField("fromIndex", event.fromIndex());
        out.writeStringField("text", event.text());
        timestamp(out, event.at());
        out.writeEndObject();
    }

    /** {@code arguments} is the model's JSON text as it wrote it (it may not even be valid JSON). */
    public static void toolCalled(JsonGenerator out, StreamToolCall event) throws IOException {
        out.writeStartObject();
        out.writeStringField("sessionId", event.sessionId().value());
        out.writeStringField("toolCallId", event.toolCallId());
        out.writeStringField("server", event.server());
        out.writeStringField("name", event.name());
        out.writeStringField("arguments", event.argumentsJson());
        out.writeNumberField("index", event.index());
        timestamp(out, event.at());
        out.writeEndObject();
    }

    public static void toolAnswered(JsonGenerator out, StreamToolResult event) throws IOException {
        out.writeStartObject();
        out.writeStringField("sessionId", event.sessionId().value());
        out.writeStringField("toolCallId", event.toolCallId());
        out.writeBooleanField("ok", event.ok());
        out.writeStringField("content", event.content());
        out.writeBooleanField("truncated", event.truncated());
        out.writeNumberField("durationMs", event.duration().toMillis());
        out.writeNumberField("index", event.index());
        timestamp(out, event.at());
        out.writeEndObject();
    }

    public static void fellBack(JsonGenerator out, StreamFellBack event) throws IOException {
        out.writeStartObject();
        out.writeStringField("sessionId", event.sessionId().value());
        out.writeStringField("from", event.from().value());
        out.writeStringField("to", event.to().value());
        out.writeStringField("reason", event.reason());
        out.writeNumberField("atIndex", event.atIndex());
        timestamp(out, event.at());
        out.writeEndObject();
    }

    public static void heartbeat(JsonGenerator out, SessionId sessionId, Duration waiting, Instant at) throws IOException {
        out.writeStartObject();
        out.writeStringField("sessionId", sessionId.value());
        out.writeNumberField("waitingMs", waiting.toMillis());
        timestamp(out, at);
        out.writeEndObject();
    }

    public static void failed(JsonGenerator out, StreamFailed event) throws IOException {
        error(out, event.sessionId().map(Object::toString), event.code(), event.message(), event.attempts(),
                event.requestId(), event.at());
    }

    public static void error(JsonGenerator out, Optional<String> sessionId, ErrorCode code, String message,
                             Optional<String> requestId, Instant at) throws IOException {
        error(out, sessionId, code, message, List.of(), requestId, at);
    }

    private static void error(JsonGenerator out, Optional<String> sessionId, ErrorCode code, String message,
                              List<AttemptResult> attempts, Optional<String> requestId, Instant at) throws IOException {
        out.writeStartObject();
        if (sessionId.isPresent()) {
            out.writeStringField("sessionId", sessionId.get());
        }
        out.writeStringField("error", message);
        out.writeStringField("code", WireNames.of(code));
        out.writeBooleanField("retryable", code.retryable());
        if (!attempts.isEmpty()) {
            modelsTried(out, attempts);
        }
        requestId(out, requestId);
        timestamp(out, at);
        out.writeEndObject();
    }

    /** {@code band_start}: the band and its thinking members, in the order asked. */
    public static void bandStarted(JsonGenerator out, BandStarted event) throws IOException {
        out.writeStartObject();
        out.writeStringField("bandId", event.bandId().value());
        out.writeArrayFieldStart("members");
        for (BandMember member : event.members()) {
            out.writeStartObject();
            out.writeStringField("sessionId", member.sessionId().value());
            out.writeStringField("agentRole", member.role().wireName());
            out.writeStringField("model", member.model().value());
            out.writeEndObject();
        }
        out.writeEndArray();
        requestId(out, event.requestId());
        timestamp(out, event.at());
        out.writeEndObject();
    }

    /**
     * {@code band_complete}: every member with its outcome and bill, the synthesis, the verdict
     * ({@code {score, flags}}, or {@code {score: null, flags: [], error}} when it could not be read;
     * {@code null} when no verifier answered) and the totals.
     */
    public static void bandCompleted(JsonGenerator out, BandCompleted event) throws IOException {
        out.writeStartObject();
        out.writeStringField("bandId", event.bandId().value());
        out.writeArrayFieldStart("members");
        for (BandMemberResult result : event.members()) {
            out.writeStartObject();
            out.writeStringField("sessionId", result.member().sessionId().value());
            out.writeStringField("agentRole", result.member().role().wireName());
            out.writeStringField("model", result.member().model().value());
            out.writeStringField("outcome", result.outcome().wireName());
            out.writeNumberField("tokens", result.tokens().value());
            money(out, "cost", result.cost());
            out.writeEndObject();
        }
        out.writeEndArray();
        if (event.synthesis().isPresent()) {
            out.writeStringField("synthesis", event.synthesis().get());
        } else {
            out.writeNullField("synthesis");
        }
        out.writeFieldName("verdict");
        if (event.verdict().isEmpty()) {
            out.writeNull();
        } else {
            out.writeStartObject();
            switch (event.verdict().get()) {
                case Verdict.Reading.Scored scored -> {
                    out.writeFieldName("score");
                    out.writeNumber(scored.verdict().score().toPlainString());
                    out.writeArrayFieldStart("flags");
                    for (String flag : scored.verdict().flags()) {
                        out.writeString(flag);
                    }
                    out.writeEndArray();
                }
                case Verdict.Reading.Unreadable unreadable -> {
                    out.writeNullField("score");
                    out.writeArrayFieldStart("flags");
                    out.writeEndArray();
                    out.writeStringField("error", unreadable.reason());
                }
            }
            out.writeEndObject();
        }
        out.writeNumberField("totalTokens", event.totalTokens().value());
        money(out, "totalCost", event.totalCost());
        out.writeNumberField("latencyMs", event.latency().toMillis());
        out.writeBooleanField("cancelled", event.cancelled());
        requestId(out, event.requestId());
        timestamp(out, event.at());
        out.writeEndObject();
    }

    /** A band command that found no band: {@code stream_error} naming the band. */
    public static void bandError(JsonGenerator out, BandId bandId, ErrorCode code, String message, Instant at)
            throws IOException {
        out.writeStartObject();
        out.writeStringField("bandId", bandId.value());
        out.writeStringField("error", message);
        out.writeStringField("code", WireNames.of(code));
        out.writeBooleanField("retryable", code.retryable());
        timestamp(out, at);
        out.writeEndObject();
    }

    /** The models a session tried, in order: {@code [{model, outcome, reason?}]}. */
    private static void modelsTried(JsonGenerator out, List<AttemptResult> attempts) throws IOException {
        out.writeArrayFieldStart("modelsTried");
        for (AttemptResult attempt : attempts) {
            out.writeStartObject();
            out.writeStringField("model", attempt.route().model().value());
            switch (attempt.end()) {
                case AttemptEnd.Finished finished when finished.reason() == FinishReason.TOOL_CALLS ->
                        out.writeStringField("outcome", "tool_calls");
                case AttemptEnd.Finished finished -> out.writeStringField("outcome", "completed");
                case AttemptEnd.Cancelled cancelled -> out.writeStringField("outcome", "cancelled");
                case AttemptEnd.Failed failed -> {
                    out.writeStringField("outcome", "failed");
                    out.writeStringField("reason", failed.detail());
                }
            }
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    private static void requestId(JsonGenerator out, Optional<String> requestId) throws IOException {
        if (requestId.isPresent()) {
            out.writeStringField("requestId", requestId.get());
        }
    }

    private static void money(JsonGenerator out, String field, Usd amount) throws IOException {
        out.writeFieldName(field);
        out.writeNumber(amount.toPlainString());
    }

    private static void timestamp(JsonGenerator out, Instant at) throws IOException {
        out.writeStringField("timestamp", Timestamps.format(at));
    }
}
