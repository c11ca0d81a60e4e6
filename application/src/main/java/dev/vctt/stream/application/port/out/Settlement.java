package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A session's final bill: one entry per attempt, against the day the session started. */
public record Settlement(SessionId session, Optional<ApiKeyId> apiKey, LocalDate day, List<LedgerEntry> entries) {

    public Settlement {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(day, "day");
        entries = List.copyOf(entries);
    }
}
