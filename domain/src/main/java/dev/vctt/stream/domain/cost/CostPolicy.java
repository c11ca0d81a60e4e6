package dev.vctt.stream.domain.cost;

/**
 * How a call is billed: provider-reported token counts where the provider reported them, the
 * server's estimate for any part it did not, and the price table's rate for both.
 */
public final class CostPolicy {

    private CostPolicy() {
    }

    /** The running estimate shown with every chunk. */
    public static Usd estimate(Price price, TokenCount inputEstimate, TokenCount outputSoFar) {
        return price.costOf(inputEstimate, outputSoFar);
    }

    /** The final figures of a call. */
    public static Metering meter(Price price, TokenCount inputEstimate, TokenCount outputEstimate, ReportedUsage reported) {
        TokenUsage usage = new TokenUsage(
                reported.input().orElse(inputEstimate),
                reported.output().orElse(outputEstimate));
        UsageSource source = reported.isComplete() ? UsageSource.REPORTED : UsageSource.ESTIMATED;
        return new Metering(usage, price.costOf(usage.input(), usage.output()), source);
    }
}
