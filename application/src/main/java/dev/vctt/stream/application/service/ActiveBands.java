package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.band.BandId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The bands running now, by id; shared by the band start and cancel services. */
public final class ActiveBands {

    private final Map<BandId, BandRun> running = new ConcurrentHashMap<>();

    void add(BandRun band) {
        running.put(band.id(), band);
    }

    void remove(BandRun band) {
        running.remove(band.id(), band);
    }

    /** A band the client started. */
    Optional<BandRun> find(ClientId client, BandId id) {
        return Optional.ofNullable(running.get(id)).filter(band -> band.client().equals(client));
    }

    /** A band running here, whoever started it (for a cancel another node checked). */
    Optional<BandRun> running(BandId id) {
        return Optional.ofNullable(running.get(id));
    }

    List<BandRun> all() {
        return List.copyOf(running.values());
    }

    public int count() {
        return running.size();
    }
}
