package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.cost.Metering;
import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.cost.UsageSource;
import java.util.ArrayList;
import java.util.List;

/** The sum of a session's attempts: what the session as a whole is billed. */
final class SessionTotals {

    private SessionTotals() {
    }

    static Metering of(List<AttemptResult> attempts) {
        TokenUsage usage = TokenUsage.NONE;
        Usd cost = Usd.ZERO;
        UsageSource source = UsageSource.REPORTED;
        for (AttemptResult attempt : attempts) {
            usage = usage.plus(attempt.metering().usage());
            cost = cost.plus(attempt.metering().cost());
            if (attempt.metering().source() == UsageSource.ESTIMATED) {
                source = UsageSource.ESTIMATED;
            }
        }
        return new Metering(usage, cost, source);
    }

    static List<AttemptResult> plus(List<AttemptResult> earlier, AttemptResult last) {
        var all = new ArrayList<AttemptResult>(earlier.size() + 1);
        all.addAll(earlier);
        all.add(last);
        return List.copyOf(all);
    }
}
