package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.BandStats;
import dev.vctt.stream.application.port.BandView;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.in.QueryBandsUseCase;
import dev.vctt.stream.application.port.out.BandStore;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.band.BandId;
import java.util.Optional;

/** Stored bands and committee statistics, from the band store. */
public final class QueryBandsService implements QueryBandsUseCase {

    private final BandStore store;

    public QueryBandsService(BandStore store) {
        this.store = store;
    }

    @Override
    public Optional<BandView> find(Caller caller, BandId id) {
        return store.find(id, caller);
    }

    @Override
    public BandStats stats(Caller caller, StatsQuery query) {
        return store.stats(query, caller);
    }
}
