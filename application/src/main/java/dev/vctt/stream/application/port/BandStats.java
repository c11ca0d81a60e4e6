package dev.vctt.stream.application.port;

import dev.vctt.stream.domain.cost.Usd;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The committee statistics of a period: how many bands ran (and were cancelled, and got a readable
 * verdict), their average verdict score, and per member role and model how often it took part,
 * answered and had its answer used, with the average verdict score of the bands it was in.
 */
public record BandStats(long bands, long cancelled, long scored, Optional<BigDecimal> averageScore, List<Row> byRoleAndModel) {

    /** One role and model: members, answers, answers used, the average score of its scored bands, spend. */
    public record Row(String agentRole, String model, long members, long answered, long used, long scoredBands,
                      Optional<BigDecimal> averageScore, Usd spend) {
        public Row {
            Objects.requireNonNull(agentRole, "agentRole");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(averageScore, "averageScore");
            Objects.requireNonNull(spend, "spend");
        }
    }

    public BandStats {
        Objects.requireNonNull(averageScore, "averageScore");
        byRoleAndModel = List.copyOf(byRoleAndModel);
    }
}
