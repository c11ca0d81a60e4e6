package dev.vctt.stream.domain.cost;

import java.util.Objects;

/** Input and output tokens of one call; output includes reasoning tokens billed at the output rate. */
public record TokenUsage(TokenCount input, TokenCount output) {

    public static final TokenUsage NONE = new TokenUsage(TokenCount.ZERO, TokenCount.ZERO);

    public TokenUsage {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
    }

    public static TokenUsage of(long input, long output) {
        return new TokenUsage(TokenCount.of(input), TokenCount.of(output));
    }

    public TokenCount total() {
        return input.plus(output);
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(input.plus(other.input), output.plus(other.output));
    }
}
