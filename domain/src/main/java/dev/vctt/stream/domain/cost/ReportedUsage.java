package dev.vctt.stream.domain.cost;

import java.util.Objects;
import java.util.Optional;

/**
 * What a provider reported about a call's tokens, part by part: Anthropic reports input at the start
 * and output at the end, so a cut stream may know one and not the other.
 */
public record ReportedUsage(Optional<TokenCount> input, Optional<TokenCount> output) {

    public static final ReportedUsage NOTHING = new ReportedUsage(Optional.empty(), Optional.empty());

    public ReportedUsage {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
    }

    public static ReportedUsage of(long input, long output) {
        return new ReportedUsage(Optional.of(TokenCount.of(input)), Optional.of(TokenCount.of(output)));
    }

    public static ReportedUsage inputOnly(long input) {
        return new ReportedUsage(Optional.of(TokenCount.of(input)), Optional.empty());
    }

    public static ReportedUsage outputOnly(long output) {
        return new ReportedUsage(Optional.empty(), Optional.of(TokenCount.of(output)));
    }

    /** A later report overrides an earlier one part by part (provider counts are cumulative). */
    public ReportedUsage updatedBy(ReportedUsage later) {
        return new ReportedUsage(later.input.or(() -> input), later.output.or(() -> output));
    }

    public boolean isComplete() {
        return input.isPresent() && output.isPresent();
    }
}
