package dev.vctt.stream.application.port;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The answer to a {@link SeriesQuery}: one line per group, its points in time order (empty buckets left out). */
public record Series(SeriesQuery query, List<Line> lines) {

    public record Line(String group, List<Point> points) {
        public Line {
            Objects.requireNonNull(group, "group");
            points = List.copyOf(points);
        }
    }

    /** A bucket's start and its figure (dollars for spend, milliseconds for times, counts otherwise). */
    public record Point(Instant bucket, BigDecimal value) {
        public Point {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(value, "value");
        }
    }

    public Series {
        Objects.requireNonNull(query, "query");
        lines = List.copyOf(lines);
    }
}
