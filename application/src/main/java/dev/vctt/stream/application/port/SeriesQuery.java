package dev.vctt.stream.application.port;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One figure of the ended sessions that started in {@code [from, to)}, per time bucket and per group.
 * Percentiles are over sessions: {@code tokens_per_second} is the sessions' median rate,
 * {@code gap_p99} the 99th percentile of the sessions' own chunk-gap p99. {@code budget_use} is by key:
 * the percent of the key's daily budget its sessions spent (keys without a budget have no line).
 * {@code verdict_score} is over the bands instead, by the role or model of the members whose answers the
 * synthesis used (or the band's key): the mean score the verifier gave (the "trust metric", 0 to 1).
 * {@code fallbacks} counts sessions that fell back, except by kind: then it counts the attempts that failed
 * and were followed by another, by their failure kind ({@code OVERLOADED}, {@code TIMEOUT_FIRST_TOKEN}, …).
 */
public record SeriesQuery(Metric metric, GroupBy by, Bucket bucket, Instant from, Instant to) {

    /** The most buckets one query may ask for: a week of five-minute buckets. */
    public static final long MAX_BUCKETS = 2016;

    public enum Metric {
        TTFT_P50, TTFT_P95, TOKENS_PER_SECOND, GAP_P99, SPEND, SESSIONS, ERRORS, FALLBACKS, WASTE_TOKENS, BUDGET_USE,
        VERDICT_SCORE;

        /** Figures of the sessions' own records (the others are derived from them or read from the bands). */
        public boolean ofSessions() {
            return this != BUDGET_USE && this != VERDICT_SCORE;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Metric> fromWireName(String name) {
            return Arrays.stream(values()).filter(m -> m.wireName().equals(name)).findFirst();
        }
    }

    /**
     * What the lines are: the model that answered last, the agent role, the API key, or the error code
     * (for {@code fallbacks}, the failure kind of each attempt that was fallen back from).
     */
    public enum GroupBy {
        MODEL, ROLE, KEY, KIND;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<GroupBy> fromWireName(String name) {
            return Arrays.stream(values()).filter(g -> g.wireName().equals(name)).findFirst();
        }
    }

    public enum Bucket {
        FIVE_MINUTES("5m", Duration.ofMinutes(5)), HOUR("1h", Duration.ofHours(1)), DAY("1d", Duration.ofDays(1));

        private final String wireName;
        private final Duration width;

        Bucket(String wireName, Duration width) {
            this.wireName = wireName;
            this.width = width;
        }

        public String wireName() {
            return wireName;
        }

        public Duration width() {
            return width;
        }

        public static Optional<Bucket> fromWireName(String name) {
            return Arrays.stream(values()).filter(b -> b.wireName.equals(name)).findFirst();
        }
    }

    public SeriesQuery {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (metric == Metric.BUDGET_USE && by != GroupBy.KEY) {
            throw new IllegalArgumentException("budget_use is by key");
        }
        if (metric == Metric.VERDICT_SCORE && by == GroupBy.KIND) {
            throw new IllegalArgumentException("verdict_score is by model, role or key");
        }
        long buckets = Duration.between(from, to).dividedBy(bucket.width());
        if (buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("at most " + MAX_BUCKETS + " buckets of " + bucket.wireName()
                    + " per query; ask for a wider bucket or a shorter window");
        }
    }
}
