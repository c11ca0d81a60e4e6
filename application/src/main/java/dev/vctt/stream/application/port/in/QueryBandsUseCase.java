package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.BandStats;
import dev.vctt.stream.application.port.BandView;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.band.BandId;
import java.util.Optional;

/** Stored bands: one with its members, and the committee statistics; a keyed caller sees only its own. */
public interface QueryBandsUseCase {

    Optional<BandView> find(Caller caller, BandId id);

    BandStats stats(Caller caller, StatsQuery query);
}
