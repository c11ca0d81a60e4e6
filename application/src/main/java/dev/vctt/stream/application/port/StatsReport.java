package dev.vctt.stream.application.port;

import dev.vctt.stream.domain.cost.Usd;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Spend, tokens, sessions, errors, fallbacks and time to first token, in all and grouped by agent
 * role, by model (the one that answered last) and by day.
 */
public record StatsReport(StatsQuery period, Row total, List<Row> byRole, List<Row> byModel, List<Row> byDay) {

    /** One group: its key (a role, a model or a day) and its figures. */
    public record Row(String key, long sessions, long errors, long fallbacks, long inputTokens, long outputTokens,
                      Usd spend, OptionalDouble firstTokenMsP50, OptionalDouble firstTokenMsP95) {
        public Row {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(spend, "spend");
            Objects.requireNonNull(firstTokenMsP50, "firstTokenMsP50");
            Objects.requireNonNull(firstTokenMsP95, "firstTokenMsP95");
        }
    }

    public StatsReport {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(total, "total");
        byRole = List.copyOf(byRole);
        byModel = List.copyOf(byModel);
        byDay = List.copyOf(byDay);
    }
}
