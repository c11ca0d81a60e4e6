package dev.vctt.stream.bootstrap;

import java.util.List;

/** Percentiles of measured durations, for the latencies the cluster tests print (never assert). */
final class Percentiles {

    private Percentiles() {
    }

    /** The nearest-rank percentile {@code p} (0–100) of durations in nanoseconds, in milliseconds. */
    static double ms(List<Long> nanos, int p) {
        List<Long> sorted = nanos.stream().sorted().toList();
        int index = Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(index) / 1_000_000.0;
    }
}
