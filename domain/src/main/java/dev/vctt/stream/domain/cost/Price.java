package dev.vctt.stream.domain.cost;

import java.math.BigDecimal;
import java.util.Objects;

/** A model's list price in USD per million input and per million output tokens. */
public record Price(Usd inputPerMillion, Usd outputPerMillion) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    public static final Price FREE = new Price(Usd.ZERO, Usd.ZERO);

    public Price {
        Objects.requireNonNull(inputPerMillion, "inputPerMillion");
        Objects.requireNonNull(outputPerMillion, "outputPerMillion");
        if (inputPerMillion.isNegative() || outputPerMillion.isNegative()) {
            throw new IllegalArgumentException("a price must not be negative: " + inputPerMillion + "/" + outputPerMillion);
        }
    }

    public static Price perMillion(String input, String output) {
        return new Price(Usd.of(input), Usd.of(output));
    }

    /** What the given tokens cost at this price. */
    public Usd costOf(TokenCount input, TokenCount output) {
        BigDecimal micros = inputPerMillion.amount().multiply(BigDecimal.valueOf(input.value()))
                .add(outputPerMillion.amount().multiply(BigDecimal.valueOf(output.value())));
        return new Usd(micros.divide(MILLION, Usd.SCALE, Usd.ROUNDING));
    }
}
