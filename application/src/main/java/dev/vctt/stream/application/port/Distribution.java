package dev.vctt.stream.application.port;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a {@link DistributionQuery}: per group, how many sessions fell in each bin of the
 * metric's fixed bounds. {@code counts} has one more entry than the bounds: bin {@code i} holds the
 * values from bound {@code i - 1} (inclusive; minus infinity for the first) up to bound {@code i}
 * (exclusive; infinity for the last).
 */
public record Distribution(DistributionQuery query, List<Line> lines) {

    public record Line(String group, List<Long> counts) {
        public Line {
            Objects.requireNonNull(group, "group");
            counts = List.copyOf(counts);
            if (counts.stream().anyMatch(c -> c < 0)) {
                throw new IllegalArgumentException("counts cannot be negative");
            }
        }

        public long sessions() {
            return counts.stream().mapToLong(Long::longValue).sum();
        }
    }

    public Distribution {
        Objects.requireNonNull(query, "query");
        lines = List.copyOf(lines);
        int bins = query.metric().bounds().size() + 1;
        if (lines.stream().anyMatch(line -> line.counts().size() != bins)) {
            throw new IllegalArgumentException("every line has " + bins + " counts, one per bin");
        }
    }
}
