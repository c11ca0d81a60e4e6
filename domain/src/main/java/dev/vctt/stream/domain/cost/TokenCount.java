package dev.vctt.stream.domain.cost;

/** A non-negative number of tokens. */
public record TokenCount(long value) implements Comparable<TokenCount> {

    public static final TokenCount ZERO = new TokenCount(0);

    public TokenCount {
        if (value < 0) {
            throw new IllegalArgumentException("token count must not be negative: " + value);
        }
    }

    public static TokenCount of(long value) {
        return value == 0 ? ZERO : new TokenCount(value);
    }

    public TokenCount plus(TokenCount other) {
        return of(Math.addExact(value, other.value));
    }

    @Override
    public int compareTo(TokenCount other) {
        return Long.compare(value, other.value);
    }
}
