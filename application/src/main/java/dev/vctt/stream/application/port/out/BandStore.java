package dev.vctt.stream.application.port.out;

import dev.vctt.stream.application.port.BandStats;
import dev.vctt.stream.application.port.BandView;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
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

    /**
     * The {@code verdict_score} series (the trust metric): per bucket of the bands' start, the mean score of
     * the scored bands each role or model took part in (a band counts once per group), or per key; rounded
     * to three decimals. Bands without a readable score are left out.
     */
    Series verdicts(SeriesQuery query, Caller caller);
}
