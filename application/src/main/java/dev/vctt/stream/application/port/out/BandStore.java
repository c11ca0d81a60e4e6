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
 * For keeping each band while it runs (so that any node sharing the store can check a cancel of it)
 * and once it has ended, and reading bands back. {@link #started} and {@link #ended} never wait for
 * the database (they are written in the background, in order); the reads are synchronous and may
 * throw {@link StoreUnavailable}. With an API key, only that key's bands are found and counted.
 */
public interface BandStore {

    /**
     * The band started on this node: until its {@link #ended}, other nodes see it running here. May
     * refuse with {@link StoreUnavailable} when the store cannot take more writes now.
     */
    void started(RunningBand band);

    /** The band ended: it no longer runs anywhere, and its record is kept. */
    void ended(BandRecord band);

    /**
     * Whether the band runs on another node sharing this store, one still alive (its lease held), and
     * the caller may see it; false for a band of this node, one that ended, and one never stored.
     */
    boolean runsElsewhere(BandId id, Caller caller);

    Optional<BandView> find(BandId id, Caller caller);

    BandStats stats(StatsQuery query, Caller caller);

    /**
     * The {@code verdict_score} series (the trust metric): per bucket of the bands' start, the mean score of
     * the scored bands each role or model took part in (a band counts once per group), or per key; rounded
     * to three decimals. Bands without a readable score are left out.
     */
    Series verdicts(SeriesQuery query, Caller caller);
}
