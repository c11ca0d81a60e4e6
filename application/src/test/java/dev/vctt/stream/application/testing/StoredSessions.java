package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.Distribution;
import dev.vctt.stream.application.port.DistributionQuery;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.application.port.out.RunningSession;
import dev.vctt.stream.application.port.out.SessionClosed;
import dev.vctt.stream.application.port.out.SessionOpened;
import dev.vctt.stream.application.port.out.SessionProgress;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.UsageSource;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.quality.StreamQuality;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.session.AttemptEnd;
import dev.vctt.stream.domain.session.Cancelled;
import dev.vctt.stream.domain.session.Completed;
import dev.vctt.stream.domain.session.Ended;
import dev.vctt.stream.domain.session.Failed;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;

/** One stored session of the in-memory store, and how the store shows it. */
final class StoredSessions {

    /** What the store knows of one session. */
    static final class Entry {
        final SessionOpened opened;
        SessionProgress progress;
        SessionClosed closed;
        Instant interruptedAt;

        Entry(SessionOpened opened) {
            this.opened = opened;
        }

        String status() {
            if (interruptedAt != null) {
                return "interrupted";
            }
            if (closed == null) {
                return "running";
            }
            return switch (closed.session()) {
                case Completed completed -> "completed";
                case Cancelled cancelled -> "cancelled";
                case Failed failed -> "failed";
            };
        }

        Optional<Instant> firstTokenAt() {
            if (closed != null) {
                return closed.session().firstTokenAt();
            }
            return progress == null ? Optional.empty() : progress.firstTokenAt();
        }

        String model() {
            if (closed != null) {
                return closed.session().lastRoute().model().value();
            }
            return progress == null ? opened.firstModel().model().value() : progress.model().model().value();
        }

        TokenUsage usage() {
            if (closed != null) {
                return closed.session().metering().usage();
            }
            return progress == null ? new TokenUsage(opened.inputEstimate(), TokenCount.ZERO)
                    : new TokenUsage(progress.inputEstimate(), progress.outputSoFar());
        }

        Usd cost() {
            if (closed != null) {
                return closed.session().metering().cost();
            }
            return progress == null ? Usd.ZERO : progress.estimatedCost();
        }

        boolean fellBack() {
            return closed != null && closed.session().fellBack();
        }

        LocalDate day() {
            return LocalDate.ofInstant(opened.startedAt(), ZoneOffset.UTC);
        }

        SessionView view() {
            var messages = new ArrayList<>(opened.request().conversation());
            String answer = closed != null ? closed.answer() : progress != null ? progress.partialText() : "";
            if (!answer.isEmpty() || closed != null) {
                messages.add(new ChatTurn(ChatRole.ASSISTANT, answer));
            }
            var tried = new ArrayList<SessionView.ModelTried>();
            if (closed != null) {
                closed.session().attempts().forEach(attempt -> tried.add(new SessionView.ModelTried(
                        attempt.route().model().value(), outcome(attempt.end()), reason(attempt.end()))));
            } else if (interruptedAt != null) {
                tried.add(new SessionView.ModelTried(model(), "interrupted", Optional.empty()));
            }
            Ended ended = closed == null ? null : closed.session();
            return new SessionView(opened.id().value(), status(), opened.request().role().wireName(),
                    opened.caller().apiKey().map(Object::toString), opened.requestId(),
                    opened.request().temperature().value(), opened.startedAt(), firstTokenAt(),
                    ended != null ? Optional.of(ended.endedAt()) : Optional.ofNullable(interruptedAt), usage(), cost(),
                    ended == null || ended.metering().source() == UsageSource.ESTIMATED,
                    finishReason(), closed == null ? Optional.empty() : closed.errorCode().map(Enum::name),
                    closed == null ? Optional.empty() : closed.errorMessage(), tried, messages,
                    closed == null ? StreamQuality.unknown() : closed.quality(),
                    closed == null ? List.of() : closed.toolCalls());
        }

        private Optional<String> finishReason() {
            if (closed == null) {
                return Optional.empty();
            }
            return switch (closed.session()) {
                case Completed completed -> Optional.of(completed.finishReason().wireName());
                case Cancelled cancelled -> Optional.of("cancelled");
                case Failed failed -> Optional.empty();
            };
        }
    }

    private StoredSessions() {
    }

    static String outcome(AttemptEnd end) {
        return switch (end) {
            case AttemptEnd.Finished finished -> "completed";
            case AttemptEnd.Failed failed -> "failed";
            case AttemptEnd.Cancelled cancelled -> "cancelled";
        };
    }

    static Optional<String> reason(AttemptEnd end) {
        return end instanceof AttemptEnd.Failed failed ? Optional.of(failed.detail()) : Optional.empty();
    }

    static RunningSession running(Entry entry) {
        return new RunningSession(entry.opened.id(), entry.opened.caller().apiKey(), entry.opened.startedAt(),
                entry.opened.firstModel(), entry.opened.inputEstimate(), Optional.ofNullable(entry.progress));
    }

    static StatsReport stats(StatsQuery query, Collection<Entry> entries) {
        List<Entry> inPeriod = entries.stream().filter(e -> e.closed != null || e.interruptedAt != null)
                .filter(e -> !e.day().isBefore(query.from()) && !e.day().isAfter(query.to())).toList();
        return new StatsReport(query, row("all", inPeriod), group(inPeriod, e -> e.opened.request().role().wireName()),
                group(inPeriod, Entry::model), group(inPeriod, e -> e.day().toString()));
    }

    private static List<StatsReport.Row> group(List<Entry> entries, Function<Entry, String> key) {
        Map<String, List<Entry>> groups = new TreeMap<>();
        entries.forEach(e -> groups.computeIfAbsent(key.apply(e), k -> new ArrayList<>()).add(e));
        return groups.entrySet().stream().map(g -> row(g.getKey(), g.getValue())).toList();
    }

    private static StatsReport.Row row(String key, List<Entry> entries) {
        long input = 0;
        long output = 0;
        Usd spend = Usd.ZERO;
        var firstTokenMs = new ArrayList<Double>();
        for (Entry e : entries) {
            input += e.usage().input().value();
            output += e.usage().output().value();
            spend = spend.plus(e.cost());
            e.firstTokenAt().ifPresent(first -> firstTokenMs.add((double) Duration.between(e.opened.startedAt(), first).toMillis()));
        }
        return new StatsReport.Row(key, entries.size(), entries.stream().filter(e -> e.status().equals("failed")).count(),
                entries.stream().filter(Entry::fellBack).count(), input, output, spend,
                percentile(firstTokenMs, 0.5), percentile(firstTokenMs, 0.95));
    }

    /** The series as {@code JdbcSessionStore} computes it in SQL, over ended sessions, by a plain walk. */
    static Series series(SeriesQuery query, Collection<Entry> entries) {
        if (query.metric() == SeriesQuery.Metric.FALLBACKS && query.by() == SeriesQuery.GroupBy.KIND) {
            return fallbacksByKind(query, entries);
        }
        Map<String, Map<Instant, List<Entry>>> groups = new TreeMap<>();
        long width = query.bucket().width().toMillis();
        for (Entry e : entries) {
            Instant started = e.opened.startedAt();
            if (e.closed == null || started.isBefore(query.from()) || !started.isBefore(query.to())) {
                continue;
            }
            Instant bucket = Instant.ofEpochMilli(Math.floorDiv(started.toEpochMilli(), width) * width);
            groups.computeIfAbsent(group(query.by(), e), g -> new TreeMap<>())
                    .computeIfAbsent(bucket, b -> new ArrayList<>()).add(e);
        }
        var lines = new ArrayList<Series.Line>();
        groups.forEach((group, buckets) -> {
            var points = new ArrayList<Series.Point>();
            buckets.forEach((bucket, inBucket) -> figure(query.metric(), inBucket)
                    .ifPresent(value -> points.add(new Series.Point(bucket, value))));
            if (!points.isEmpty()) {
                lines.add(new Series.Line(group, points));
            }
        });
        return new Series(query, lines);
    }

    /** Every failed attempt another attempt followed, counted by its failure kind (one session may count in several). */
    private static Series fallbacksByKind(SeriesQuery query, Collection<Entry> entries) {
        Map<String, Map<Instant, Long>> groups = new TreeMap<>();
        long width = query.bucket().width().toMillis();
        for (Entry e : entries) {
            Instant started = e.opened.startedAt();
            if (e.closed == null || started.isBefore(query.from()) || !started.isBefore(query.to())) {
                continue;
            }
            Instant bucket = Instant.ofEpochMilli(Math.floorDiv(started.toEpochMilli(), width) * width);
            var attempts = e.closed.session().attempts();
            for (int i = 0; i < attempts.size() - 1; i++) {
                if (attempts.get(i).end() instanceof AttemptEnd.Failed failed) {
                    groups.computeIfAbsent(failed.kind().name(), g -> new TreeMap<>()).merge(bucket, 1L, Long::sum);
                }
            }
        }
        var lines = new ArrayList<Series.Line>();
        groups.forEach((group, buckets) -> lines.add(new Series.Line(group, buckets.entrySet().stream()
                .map(point -> new Series.Point(point.getKey(), BigDecimal.valueOf(point.getValue()))).toList())));
        return new Series(query, lines);
    }

    private static String group(SeriesQuery.GroupBy by, Entry e) {
        return switch (by) {
            case MODEL -> e.model();
            case ROLE -> e.opened.request().role().wireName();
            case KEY -> e.opened.caller().apiKey().map(Object::toString).orElse("(none)");
            case KIND -> e.closed.errorCode().map(Enum::name).orElse("none");
        };
    }

    private static Optional<BigDecimal> figure(SeriesQuery.Metric metric, List<Entry> entries) {
        return switch (metric) {
            case SESSIONS -> Optional.of(BigDecimal.valueOf(entries.size()));
            case ERRORS -> Optional.of(BigDecimal.valueOf(entries.stream().filter(e -> e.status().equals("failed")).count()));
            case FALLBACKS -> Optional.of(BigDecimal.valueOf(entries.stream().filter(Entry::fellBack).count()));
            case SPEND -> Optional.of(entries.stream().map(Entry::cost).reduce(Usd.ZERO, Usd::plus).amount());
            case WASTE_TOKENS -> Optional.of(BigDecimal.valueOf(entries.stream()
                    .mapToLong(e -> e.closed.quality().wasteTokens()).sum()));
            case TTFT_P50, TTFT_P95 -> decimal(percentile(entries.stream().flatMap(e -> e.firstTokenAt()
                    .map(first -> (double) Duration.between(e.opened.startedAt(), first).toNanos() / 1e6).stream()).toList(),
                    metric == SeriesQuery.Metric.TTFT_P50 ? 0.5 : 0.95));
            case TOKENS_PER_SECOND -> decimal(percentile(doubles(entries, e -> e.closed.quality().tokensPerSecond()), 0.5));
            case GAP_P99 -> decimal(percentile(doubles(entries, e -> e.closed.quality().gapP99Ms()), 0.99));
            case BUDGET_USE, VERDICT_SCORE -> throw new IllegalArgumentException(metric.wireName() + " is not a session figure");
        };
    }

    /** The histogram as {@code JdbcSessionStore} counts it with width_bucket, by a plain walk. */
    static Distribution distribution(DistributionQuery query, Collection<Entry> entries) {
        int bins = query.metric().bounds().size() + 1;
        Map<String, List<Long>> groups = new TreeMap<>();
        for (Entry e : entries) {
            Instant started = e.opened.startedAt();
            if (e.closed == null || started.isBefore(query.from()) || !started.isBefore(query.to())) {
                continue;
            }
            OptionalDouble value = switch (query.metric()) {
                case TOKENS_PER_SECOND -> e.closed.quality().tokensPerSecond();
                case GAP_P99 -> e.closed.quality().gapP99Ms();
            };
            if (value.isPresent()) {
                List<Long> counts = groups.computeIfAbsent(group(query.by(), e),
                        g -> new ArrayList<>(java.util.Collections.nCopies(bins, 0L)));
                int bin = query.metric().bin(value.getAsDouble());
                counts.set(bin, counts.get(bin) + 1);
            }
        }
        var lines = new ArrayList<Distribution.Line>();
        groups.forEach((group, counts) -> lines.add(new Distribution.Line(group, counts)));
        return new Distribution(query, lines);
    }

    private static List<Double> doubles(List<Entry> entries, Function<Entry, OptionalDouble> figure) {
        return entries.stream().map(figure).filter(OptionalDouble::isPresent).map(OptionalDouble::getAsDouble).toList();
    }

    private static Optional<BigDecimal> decimal(OptionalDouble value) {
        return value.isPresent() ? Optional.of(BigDecimal.valueOf(value.getAsDouble())) : Optional.empty();
    }

    /** Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont computes it. */
    static OptionalDouble percentile(List<Double> values, double fraction) {
        if (values.isEmpty()) {
            return OptionalDouble.empty();
        }
        List<Double> sorted = values.stream().sorted().toList();
        double rank = fraction * (sorted.size() - 1);
        int below = (int) Math.floor(rank);
        int above = (int) Math.ceil(rank);
        return OptionalDouble.of(sorted.get(below) + (rank - below) * (sorted.get(above) - sorted.get(below)));
    }
}
