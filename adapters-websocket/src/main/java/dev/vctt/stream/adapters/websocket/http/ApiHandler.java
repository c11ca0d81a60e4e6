package dev.vctt.stream.adapters.websocket.http;

import dev.vctt.stream.application.port.BandStats;
import dev.vctt.stream.application.port.BandView;
import dev.vctt.stream.domain.band.BandId;
import java.math.BigDecimal;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.CanonicalPath;
import dev.vctt.stream.adapters.websocket.connection.PresentedKey;
import dev.vctt.stream.application.port.Distribution;
import dev.vctt.stream.application.port.DistributionQuery;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.application.port.ToolCallRecord;
import dev.vctt.stream.application.port.in.AuthOutcome;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.quality.StreamQuality;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.session.SessionId;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BiFunction;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/sessions/{id}} (a session with its messages, tool calls and stream quality figures),
 * {@code GET /api/bands/{id}} (a band with its members),
 * {@code GET /api/stats?from=&to=} (UTC days, default the last 30),
 * {@code GET /api/stats/series?metric=&by=&bucket=&from=&to=} (one figure over time, what {@code /analytics} draws),
 * {@code GET /api/stats/distribution?metric=&by=&from=&to=} (a histogram of a per-session figure). With API keys required, a request presents its key like a
 * WebSocket does ({@code Authorization: Bearer} or {@code ?token=}) and sees only its own sessions.
 * A path that is not {@linkplain CanonicalPath canonical} is not found, whatever it would decode to.
 */
public final class ApiHandler extends HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
    private static final int DEFAULT_DAYS = 30;

    private final ObjectMapper json;
    private final HttpUseCases useCases;
    private final InstantSource clock;

    public ApiHandler(ObjectMapper json, HttpUseCases useCases, InstantSource clock) {
        this.json = json;
        this.useCases = useCases;
        this.clock = clock;
    }

    @Override
    public void service(Request request, Response response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        if (request.getMethod() != Method.GET) {
            error(response, 405, "METHOD_NOT_ALLOWED", "only GET is supported");
            return;
        }
        String path = request.getRequestURI();
        if (!CanonicalPath.isCanonical(path)) {
            // decoded or normalised, it could name another resource than the one read here: asked for nothing
            error(response, 404, "NOT_FOUND", "no such endpoint (a path is written plainly: no escapes, no dot segments)");
            return;
        }
        AuthOutcome auth = useCases.authenticate().authenticate(PresentedKey.from(request.getHeader("Authorization"),
                request.getParameter("token")));
        if (auth instanceof AuthOutcome.Refused refused) {
            error(response, 401, "UNAUTHORIZED", refused.reason());
            return;
        }
        Caller caller = ((AuthOutcome.Authenticated) auth).caller();
        try {
            if (path.startsWith("/api/sessions/") && path.length() > "/api/sessions/".length()) {
                session(response, caller, path.substring("/api/sessions/".length()));
            } else if (path.startsWith("/api/bands/") && path.length() > "/api/bands/".length()
                    && useCases.bands().isPresent()) {
                band(response, caller, path.substring("/api/bands/".length()));
            } else if (path.equals("/api/stats")) {
                stats(request, response, caller);
            } else if (path.equals("/api/stats/series")) {
                series(request, response, caller);
            } else if (path.equals("/api/stats/distribution")) {
                distribution(request, response, caller);
            } else {
                error(response, 404, "NOT_FOUND", "no such endpoint: " + path);
            }
        } catch (StoreUnavailable e) {
            log.warn("an API request failed: {}", e.getMessage());
            error(response, 503, "STORE_UNAVAILABLE", "the database cannot answer right now");
        }
    }

    private void session(Response response, Caller caller, String id) throws IOException {
        Optional<SessionView> found = id.isBlank() ? Optional.empty() : useCases.sessions().find(caller, SessionId.of(id));
        if (found.isEmpty()) {
            error(response, 404, "SESSION_NOT_FOUND", "no session " + id);
            return;
        }
        SessionView view = found.get();
        write(response, 200, out -> {
            out.writeStartObject();
            out.writeStringField("sessionId", view.id());
            out.writeStringField("status", view.status());
            out.writeStringField("agentRole", view.agentRole());
            optional(out, "apiKeyId", view.apiKeyId());
            optional(out, "requestId", view.requestId());
            out.writeNumberField("temperature", view.temperature());
            time(out, "startedAt", Optional.of(view.startedAt()));
            time(out, "firstTokenAt", view.firstTokenAt());
            time(out, "endedAt", view.endedAt());
            out.writeNumberField("inputTokens", view.usage().input().value());
            out.writeNumberField("outputTokens", view.usage().output().value());
            out.writeFieldName("cost");
            out.writeNumber(view.cost().toPlainString());
            out.writeBooleanField("usageEstimated", view.usageEstimated());
            optional(out, "finishReason", view.finishReason());
            optional(out, "errorCode", view.errorCode());
            optional(out, "error", view.errorMessage());
            out.writeArrayFieldStart("modelsTried");
            for (SessionView.ModelTried tried : view.modelsTried()) {
                out.writeStartObject();
                out.writeStringField("model", tried.model());
                out.writeStringField("outcome", tried.outcome());
                optional(out, "reason", tried.reason());
                out.writeEndObject();
            }
            out.writeEndArray();
            toolCalls(out, view);
            quality(out, view);
            out.writeArrayFieldStart("messages");
            for (ChatTurn turn : view.messages()) {
                out.writeStartObject();
                out.writeStringField("role", turn.role().wireName());
                out.writeStringField("content", turn.content());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        });
    }

    private void stats(Request request, Response response, Caller caller) throws IOException {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        StatsQuery query;
        try {
            LocalDate to = day(request.getParameter("to")).orElse(today);
            LocalDate from = day(request.getParameter("from")).orElse(to.minusDays(DEFAULT_DAYS - 1));
            query = new StatsQuery(from, to);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            error(response, 400, "BAD_REQUEST", "from and to are days like 2026-11-22, from not after to");
            return;
        }
        StatsReport report = useCases.stats().stats(caller, query);
        write(response, 200, out -> {
            out.writeStartObject();
            out.writeStringField("from", report.period().from().toString());
            out.writeStringField("to", report.period().to().toString());
            out.writeFieldName("total");
            row(out, report.total(), Optional.empty());
            rows(out, "byRole", "role", report.byRole());
            rows(out, "byModel", "model", report.byModel());
            rows(out, "byDay", "day", report.byDay());
            if (useCases.bands().isPresent()) {
                bandStats(out, useCases.bands().get().stats(caller, query));
            }
            out.writeEndObject();
        });
    }

    /** Each call of the session's tool loop: which, in which step, how it ended; never its arguments or result. */
    private static void toolCalls(JsonGenerator out, SessionView view) throws IOException {
        out.writeArrayFieldStart("toolCalls");
        for (ToolCallRecord call : view.toolCalls()) {
            out.writeStartObject();
            out.writeNumberField("step", call.step());
            out.writeStringField("toolCallId", call.toolCallId());
            out.writeStringField("server", call.server());
            out.writeStringField("name", call.name());
            out.writeStringField("outcome", call.outcome());
            out.writeBooleanField("ok", call.ok());
            out.writeBooleanField("truncated", call.truncated());
            out.writeNumberField("bytes", call.bytes());
            out.writeNumberField("durationMs", call.durationMs());
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    private static void quality(JsonGenerator out, SessionView view) throws IOException {
        StreamQuality quality = view.quality();
        out.writeObjectFieldStart("quality");
        millis(out, "timeToFirstTokenMs", view.firstTokenAt().map(first -> OptionalDouble.of(
                Duration.between(view.startedAt(), first).toNanos() / 1e6)).orElse(OptionalDouble.empty()));
        millis(out, "chunkGapP50Ms", quality.gapP50Ms());
        millis(out, "chunkGapP99Ms", quality.gapP99Ms());
        millis(out, "tokensPerSecond", quality.tokensPerSecond());
        out.writeNumberField("chunksSent", quality.chunksSent());
        out.writeNumberField("bytesSent", quality.bytesSent());
        out.writeNumberField("resumes", quality.resumes());
        out.writeNumberField("wasteTokens", quality.wasteTokens());
        out.writeEndObject();
    }

    /**
     * {@code GET /api/stats/series?metric=&by=&bucket=&from=&to=}: from and to are ISO instants (default
     * the last 24 hours up to now), every parameter is checked and a bad one is a 400 naming it.
     */
    private void series(Request request, Response response, Caller caller) throws IOException {
        Optional<SeriesQuery.Metric> metric = SeriesQuery.Metric.fromWireName(param(request, "metric", ""));
        if (metric.isEmpty()) {
            error(response, 400, "BAD_REQUEST", "metric is one of " + Arrays.stream(SeriesQuery.Metric.values())
                    .map(SeriesQuery.Metric::wireName).toList());
            return;
        }
        Optional<SeriesQuery.GroupBy> by = groupBy(request, response);
        if (by.isEmpty()) {
            return;
        }
        Optional<SeriesQuery.Bucket> bucket = SeriesQuery.Bucket.fromWireName(param(request, "bucket", "5m"));
        if (bucket.isEmpty()) {
            error(response, 400, "BAD_REQUEST", "bucket is one of 5m, 1h, 1d");
            return;
        }
        Optional<SeriesQuery> asked = overWindow(request, response, (from, to) -> new SeriesQuery(metric.get(), by.get(), bucket.get(), from, to));
        if (asked.isEmpty()) {
            return;
        }
        SeriesQuery query = asked.get();
        Series series = useCases.stats().series(caller, query);
        write(response, 200, out -> {
            out.writeStartObject();
            out.writeStringField("metric", query.metric().wireName());
            out.writeStringField("by", query.by().wireName());
            out.writeStringField("bucket", query.bucket().wireName());
            time(out, "from", Optional.of(query.from()));
            time(out, "to", Optional.of(query.to()));
            out.writeArrayFieldStart("lines");
            for (Series.Line line : series.lines()) {
                out.writeStartObject();
                out.writeStringField("group", line.group());
                out.writeArrayFieldStart("points");
                for (Series.Point point : line.points()) {
                    out.writeStartArray();
                    out.writeNumber(point.bucket().getEpochSecond());
                    out.writeNumber(point.value().stripTrailingZeros().toPlainString());
                    out.writeEndArray();
                }
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        });
    }

    /**
     * {@code GET /api/stats/distribution?metric=tokens_per_second|gap_p99&by=&from=&to=}: per group, the
     * sessions in each bin of the metric's fixed bounds (a histogram, for {@code /analytics}).
     */
    private void distribution(Request request, Response response, Caller caller) throws IOException {
        Optional<DistributionQuery.Metric> metric = DistributionQuery.Metric.fromWireName(param(request, "metric", ""));
        if (metric.isEmpty()) {
            error(response, 400, "BAD_REQUEST", "metric is one of " + Arrays.stream(DistributionQuery.Metric.values())
                    .map(DistributionQuery.Metric::wireName).toList());
            return;
        }
        Optional<SeriesQuery.GroupBy> by = groupBy(request, response);
        if (by.isEmpty()) {
            return;
        }
        Optional<DistributionQuery> asked = overWindow(request, response, (from, to) -> new DistributionQuery(metric.get(), by.get(), from, to));
        if (asked.isEmpty()) {
            return;
        }
        DistributionQuery query = asked.get();
        Distribution distribution = useCases.stats().distribution(caller, query);
        write(response, 200, out -> {
            out.writeStartObject();
            out.writeStringField("metric", query.metric().wireName());
            out.writeStringField("by", query.by().wireName());
            time(out, "from", Optional.of(query.from()));
            time(out, "to", Optional.of(query.to()));
            out.writeArrayFieldStart("bounds");
            for (int bound : query.metric().bounds()) {
                out.writeNumber(bound);
            }
            out.writeEndArray();
            out.writeArrayFieldStart("lines");
            for (Distribution.Line line : distribution.lines()) {
                out.writeStartObject();
                out.writeStringField("group", line.group());
                out.writeNumberField("sessions", line.sessions());
                out.writeArrayFieldStart("counts");
                for (long count : line.counts()) {
                    out.writeNumber(count);
                }
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        });
    }

    /** The {@code by} parameter (default {@code model}), or a 400 naming its values. */
    private Optional<SeriesQuery.GroupBy> groupBy(Request request, Response response) throws IOException {
        Optional<SeriesQuery.GroupBy> by = SeriesQuery.GroupBy.fromWireName(param(request, "by", "model"));
        if (by.isEmpty()) {
            error(response, 400, "BAD_REQUEST", "by is one of model, role, key, kind");
        }
        return by;
    }

    /**
     * The query over {@code from}..{@code to} (ISO instants; by default the last 24 hours up to now), or a
     * 400 for an instant that does not parse or a window the query refuses.
     */
    private <Q> Optional<Q> overWindow(Request request, Response response, BiFunction<Instant, Instant, Q> query)
            throws IOException {
        try {
            Instant to = instant(request.getParameter("to")).orElse(clock.instant());
            Instant from = instant(request.getParameter("from")).orElse(to.minus(Duration.ofDays(1)));
            return Optional.of(query.apply(from, to));
        } catch (DateTimeParseException e) {
            error(response, 400, "BAD_REQUEST", "from and to are instants like 2026-11-30T10:00:00Z");
        } catch (IllegalArgumentException e) {
            error(response, 400, "BAD_REQUEST", e.getMessage());
        }
        return Optional.empty();
    }

    private static String param(Request request, String name, String fallback) {
        String value = request.getParameter(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static Optional<Instant> instant(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Instant.parse(value.strip()));
    }

    private void band(Response response, Caller caller, String id) throws IOException {
        Optional<BandView> found = id.isBlank() ? Optional.empty() : useCases.bands().orElseThrow().find(caller, BandId.of(id));
        if (found.isEmpty()) {
            error(response, 404, "BAND_NOT_FOUND", "no band " + id);
            return;
        }
        BandView view = found.get();
        write(response, 200, out -> {
            out.writeStartObject();
            out.writeStringField("bandId", view.bandId());
            optional(out, "apiKeyId", view.apiKeyId());
            optional(out, "requestId", view.requestId());
            time(out, "startedAt", Optional.of(view.startedAt()));
            time(out, "endedAt", Optional.of(view.endedAt()));
            out.writeBooleanField("cancelled", view.cancelled());
            if (view.synthesis().isPresent()) {
                out.writeStringField("synthesis", view.synthesis().get());
            } else {
                out.writeNullField("synthesis");
            }
            out.writeObjectFieldStart("verdict");
            if (view.verdictScore().isPresent()) {
                out.writeFieldName("score");
                out.writeNumber(view.verdictScore().get().toPlainString());
            } else {
                out.writeNullField("score");
            }
            out.writeArrayFieldStart("flags");
            for (String flag : view.verdictFlags()) {
                out.writeString(flag);
            }
            out.writeEndArray();
            optional(out, "error", view.verdictError());
            out.writeEndObject();
            out.writeNumberField("totalTokens", view.totalTokens());
            out.writeFieldName("totalCost");
            out.writeNumber(view.totalCost().toPlainString());
            out.writeArrayFieldStart("members");
            for (BandView.Member member : view.members()) {
                out.writeStartObject();
                out.writeStringField("sessionId", member.sessionId());
                out.writeStringField("agentRole", member.agentRole());
                out.writeStringField("model", member.model());
                out.writeStringField("outcome", member.outcome());
                out.writeNumberField("tokens", member.tokens());
                out.writeFieldName("cost");
                out.writeNumber(member.cost().toPlainString());
                out.writeBooleanField("used", member.used());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        });
    }

    /** The committee statistics: bands, verdict scores and used answers by member role and model. */
    private static void bandStats(JsonGenerator out, BandStats stats) throws IOException {
        out.writeObjectFieldStart("bands");
        out.writeNumberField("bands", stats.bands());
        out.writeNumberField("cancelled", stats.cancelled());
        out.writeNumberField("scored", stats.scored());
        decimal(out, "averageScore", stats.averageScore());
        out.writeArrayFieldStart("byRoleAndModel");
        for (BandStats.Row row : stats.byRoleAndModel()) {
            out.writeStartObject();
            out.writeStringField("role", row.agentRole());
            out.writeStringField("model", row.model());
            out.writeNumberField("members", row.members());
            out.writeNumberField("answered", row.answered());
            out.writeNumberField("used", row.used());
            out.writeNumberField("scoredBands", row.scoredBands());
            decimal(out, "averageScore", row.averageScore());
            out.writeFieldName("spend");
            out.writeNumber(row.spend().toPlainString());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    private static void decimal(JsonGenerator out, String field, Optional<BigDecimal> value) throws IOException {
        if (value.isPresent()) {
            out.writeFieldName(field);
            out.writeNumber(value.get().toPlainString());
        } else {
            out.writeNullField(field);
        }
    }

    private static void rows(JsonGenerator out, String field, String keyName, List<StatsReport.Row> rows) throws IOException {
        out.writeArrayFieldStart(field);
        for (StatsReport.Row row : rows) {
            row(out, row, Optional.of(keyName));
        }
        out.writeEndArray();
    }

    private static void row(JsonGenerator out, StatsReport.Row row, Optional<String> keyName) throws IOException {
        out.writeStartObject();
        if (keyName.isPresent()) {
            out.writeStringField(keyName.get(), row.key());
        }
        out.writeNumberField("sessions", row.sessions());
        out.writeNumberField("errors", row.errors());
        out.writeNumberField("fallbacks", row.fallbacks());
        out.writeNumberField("inputTokens", row.inputTokens());
        out.writeNumberField("outputTokens", row.outputTokens());
        out.writeFieldName("spend");
        out.writeNumber(row.spend().toPlainString());
        millis(out, "firstTokenMsP50", row.firstTokenMsP50());
        millis(out, "firstTokenMsP95", row.firstTokenMsP95());
        out.writeEndObject();
    }

    private static void millis(JsonGenerator out, String field, OptionalDouble value) throws IOException {
        if (value.isPresent()) {
            out.writeNumberField(field, Math.round(value.getAsDouble() * 10) / 10.0);
        } else {
            out.writeNullField(field);
        }
    }

    private static Optional<LocalDate> day(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(LocalDate.parse(value.strip()));
    }

    private static void optional(JsonGenerator out, String field, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            out.writeStringField(field, value.get());
        }
    }

    private static void time(JsonGenerator out, String field, Optional<Instant> value) throws IOException {
        if (value.isPresent()) {
            out.writeStringField(field, DateTimeFormatter.ISO_INSTANT.format(value.get().truncatedTo(ChronoUnit.MILLIS)));
        } else {
            out.writeNullField(field);
        }
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator out) throws IOException;
    }

    private void write(Response response, int status, Body body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        try (JsonGenerator out = json.getFactory().createGenerator(response.getWriter())) {
            out.setCharacterEscapes(SurrogateEscapes.INSTANCE);
            body.write(out);
        }
    }

    private void error(Response response, int status, String code, String message) throws IOException {
        write(response, status, out -> {
            out.writeStartObject();
            out.writeStringField("error", message);
            out.writeStringField("code", code);
            out.writeEndObject();
        });
    }
}
