package dev.vctt.stream.application.port.out;

import dev.vctt.stream.application.port.BandStats;
import dev.vctt.stream.application.port.BandView;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.band.BandId;
import java.util.Optional;

/**
 * For keeping each band once it has ended, and reading bands back. {@link #ended} never waits for
 * the database (the record is written in the background); the reads are synchronous and may throw
 * {@link StoreUnavailable}. With an API key, only that key's bands are found and counted.
 */
public interface BandStore {

    void ended(BandRecord band);

    Optional<BandView> find(BandId id, Caller caller);

    BandStats stats(StatsQuery query, Caller caller);
}
