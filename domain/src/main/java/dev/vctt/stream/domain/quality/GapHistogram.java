package dev.vctt.stream.domain.quality;

import java.time.Duration;
import java.util.OptionalDouble;

/**
 * The gaps between one stream's chunks, kept as counts in fixed log-scale buckets (microseconds, eight
 * buckets per doubling, as HdrHistogram does with three sub-bucket bits), so a quantile is known within
 * 1/16 of its value while a stream of any length holds one small array. Recording is O(1) and allocates
 * nothing: it runs once per chunk. Not thread-safe; its stream records one chunk at a time.
 */
public final class GapHistogram {

    private static final int SUB_BITS = 3;
    private static final int SUB = 1 << SUB_BITS;
    /** Up to 2^40 µs (about 12 days); longer gaps count in the last bucket. */
    private static final int MAX_EXPONENT = 40;
    static final int BUCKETS = SUB + (MAX_EXPONENT - SUB_BITS + 1) * SUB;

    private final int[] counts = new int[BUCKETS];
    private long total;

    public void record(Duration gap) {
        long micros = gap.isNegative() ? 0 : saturatedMicros(gap);
        counts[index(micros)]++;
        total++;
    }

    public long count() {
        return total;
    }

    /**
     * The {@code q}-quantile in milliseconds, by nearest rank: the middle of the bucket holding the
     * value ranked {@code ceil(q * count)}; empty when nothing was recorded.
     */
    public OptionalDouble quantileMillis(double q) {
        if (q <= 0 || q > 1) {
            throw new IllegalArgumentException("a quantile is in (0, 1]: " + q);
        }
        if (total == 0) {
            return OptionalDouble.empty();
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return OptionalDouble.of(middle(i) / 1000.0);
            }
        }
        throw new IllegalStateException("the counts add up to less than the total");
    }

    static int index(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) (micros >>> (exponent - SUB_BITS)) & (SUB - 1);
        return SUB + (exponent - SUB_BITS) * SUB + sub;
    }

    /** The middle of bucket {@code index}, in microseconds. */
    static double middle(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = (index - SUB) / SUB;
        int sub = (index - SUB) % SUB;
        long low = (long) (SUB + sub) << shift;
        long width = 1L << shift;
        return low + (width - 1) / 2.0;
    }

    private static long saturatedMicros(Duration gap) {
        try {
            return gap.toNanos() / 1000;
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
