package dev.vctt.stream.application.port;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a per-session figure of the ended sessions that started in {@code [from, to)} is spread, per
 * group: a histogram over fixed bounds (the same for every window and group, so charts compare).
 */
public record DistributionQuery(Metric metric, SeriesQuery.GroupBy by, Instant from, Instant to) {

    /** The figure and its bin bounds: tokens per second, or the session's own chunk-gap p99 in ms. */
    public enum Metric {
        TOKENS_PER_SECOND(List.of(2, 5, 10, 15, 20, 30, 40, 50, 60, 80, 100, 150, 200)),
        GAP_P99(List.of(10, 20, 50, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000));

        private final List<Integer> bounds;

        Metric(List<Integer> bounds) {
            this.bounds = bounds;
        }

        /** Ascending bounds between the bins. */
        public List<Integer> bounds() {
            return bounds;
        }

        /** The bin a value falls in, as PostgreSQL's {@code width_bucket(value, bounds)} numbers it. */
        public int bin(double value) {
            int bin = 0;
            while (bin < bounds.size() && value >= bounds.get(bin)) {
                bin++;
            }
            return bin;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Metric> fromWireName(String name) {
            return Arrays.stream(values()).filter(m -> m.wireName().equals(name)).findFirst();
        }
    }

    public DistributionQuery {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }
}
