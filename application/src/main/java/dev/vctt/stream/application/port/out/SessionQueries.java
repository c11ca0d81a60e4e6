package dev.vctt.stream.application.port.out;

import dev.vctt.stream.application.port.Distribution;
import dev.vctt.stream.application.port.DistributionQuery;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Optional;

/**
 * For reading the recorded sessions back: one session with its messages, statistics over many, and
 * whether the records can be read at all. Synchronous; reads may throw {@link StoreUnavailable}.
 * What {@link SessionJournal} accepted shows here once it is stored (the journal writes in the
 * background, so not necessarily at once).
 */
public interface SessionQueries {

    /** A session and its messages; with an API key, only that key's sessions are found. */
    Optional<SessionView> find(SessionId id, Caller caller);

    StatsReport stats(StatsQuery query, Caller caller);

    /** One figure over time, per group; with an API key, over that key's sessions only. */
    Series series(SeriesQuery query, Caller caller);

    /** How one per-session figure is spread over its bins, per group; with an API key, over that key's sessions only. */
    Distribution distribution(DistributionQuery query, Caller caller);

    /** Whether the database answers now (for the health check; never throws). */
    boolean reachable();
}
