package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.session.SessionId;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A request to set aside a session's worst-case cost against the day's budgets. */
public record Reservation(SessionId session, Optional<ApiKeyId> apiKey, LocalDate day, Usd amount,
                          List<BudgetLimit> limits) {

    public Reservation {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(amount, "amount");
        limits = List.copyOf(limits);
    }
}
