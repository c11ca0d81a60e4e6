package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.cost.CostPolicy;
import dev.vctt.stream.domain.cost.Metering;
import dev.vctt.stream.domain.cost.Price;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.TokenEstimate;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.ModelRoute;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One call to one model within a session: what it was asked (its input estimate and price), what it
 * has streamed so far, and what the provider reported. Output is counted by the model's tokenizer
 * when every chunk came with a count ({@code countedOutput}, -1 otherwise), else estimated from its
 * length.
 */
public record Attempt(ModelRoute route, Price price, TokenCount inputEstimate, int chunks, long outputChars,
                      long countedOutput, ReportedUsage reported) {

    public Attempt {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(inputEstimate, "inputEstimate");
        Objects.requireNonNull(reported, "reported");
        if (chunks < 0 || outputChars < 0 || countedOutput < -1) {
            throw new IllegalArgumentException("chunks and outputChars must not be negative");
        }
    }

    public static Attempt start(ModelRoute route, Price price, TokenCount inputEstimate) {
        return new Attempt(route, price, inputEstimate, 0, 0, 0, ReportedUsage.NOTHING);
    }

    Attempt append(String text, OptionalLong tokens) {
        long counted = countedOutput >= 0 && tokens.isPresent() ? countedOutput + tokens.getAsLong() : -1;
        return new Attempt(route, price, inputEstimate, chunks + 1, outputChars + text.length(), counted, reported);
    }

    Attempt withReport(ReportedUsage report) {
        return new Attempt(route, price, inputEstimate, chunks, outputChars, countedOutput, reported.updatedBy(report));
    }

    public TokenCount outputEstimate() {
        return countedOutput >= 0 && chunks > 0 ? TokenCount.of(countedOutput) : TokenEstimate.ofChars(outputChars);
    }

    public Usd estimatedCost() {
        return CostPolicy.estimate(price, inputEstimate, outputEstimate());
    }

    public Metering meter() {
        return CostPolicy.meter(price, inputEstimate, outputEstimate(), reported);
    }

    AttemptResult end(AttemptEnd end) {
        return new AttemptResult(route, chunks, meter(), end);
    }
}
