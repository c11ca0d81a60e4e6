package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.BandStats;
import dev.vctt.stream.application.port.BandView;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.domain.band.MemberOutcome;
import dev.vctt.stream.application.port.out.BandRecord;
import dev.vctt.stream.application.port.out.BandStore;
import dev.vctt.stream.application.port.out.RunningBand;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.Verdict;
import dev.vctt.stream.domain.cost.Usd;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The band store in memory, with the same rules for keys, periods and statistics as the real one.
 * {@link #node} gives another node's view of the same bands (every node is alive here).
 */
public final class InMemoryBandStore implements BandStore {

    private record Running(RunningBand band, String node) {
    }

    /** What every node's view shares; also the lock of all of them. */
    private static final class Data {
        final Map<BandId, BandRecord> bands = new LinkedHashMap<>();
        final Map<BandId, Running> running = new LinkedHashMap<>();
    }

    private final Data data;
    private final String node;
    private final Map<BandId, BandRecord> bands;

    public InMemoryBandStore() {
        this(new Data(), "node");
    }

    private InMemoryBandStore(Data data, String node) {
        this.data = data;
        this.node = node;
        this.bands = data.bands;
    }

    /** The same store as another node sharing it sees it. */
    public InMemoryBandStore node(String name) {
        return new InMemoryBandStore(data, name);
    }

    @Override
    public void started(RunningBand band) {
        synchronized (data) {
            data.running.put(band.bandId(), new Running(band, node));
        }
    }

    @Override
    public void ended(BandRecord band) {
        synchronized (data) {
            data.running.remove(band.bandId());
            bands.putIfAbsent(band.bandId(), band);
        }
    }

    @Override
    public boolean runsElsewhere(BandId id, Caller caller) {
        synchronized (data) {
            Running running = data.running.get(id);
            return running != null && !running.node().equals(node)
                    && (caller.apiKey().isEmpty() || caller.apiKey().equals(running.band().apiKey()));
        }
    }

    @Override
    public Optional<BandView> find(BandId id, Caller caller) {
        synchronized (data) {
            return Optional.ofNullable(bands.get(id)).filter(band -> visible(band, caller)).map(InMemoryBandStore::view);
        }
    }

    @Override
    public BandStats stats(StatsQuery query, Caller caller) {
        synchronized (data) {
            return statsOf(query, caller);
        }
    }

    private BandStats statsOf(StatsQuery query, Caller caller) {
        record Key(String role, String model) {
        }
        var rows = new LinkedHashMap<Key, long[]>();
        var scoreSums = new LinkedHashMap<Key, BigDecimal>();
        var spend = new LinkedHashMap<Key, Usd>();
        long count = 0;
        long cancelled = 0;
        long scored = 0;
        BigDecimal scoreSum = BigDecimal.ZERO;
        for (BandRecord band : bands.values()) {
            LocalDate day = LocalDate.ofInstant(band.startedAt(), ZoneOffset.UTC);
            if (!visible(band, caller) || day.isBefore(query.from()) || day.isAfter(query.to())) {
                continue;
            }
            count++;
            cancelled += band.cancelled() ? 1 : 0;
            Optional<BigDecimal> score = score(band);
            if (score.isPresent()) {
                scored++;
                scoreSum = scoreSum.add(score.get());
            }
            for (BandRecord.Member member : band.members()) {
                var key = new Key(member.role().wireName(), member.model().value());
                long[] row = rows.computeIfAbsent(key, k -> new long[4]);
                row[0]++;
                row[1] += member.outcome() == MemberOutcome.COMPLETED ? 1 : 0;
                row[2] += member.used() ? 1 : 0;
                spend.merge(key, member.cost(), Usd::plus);
                if (score.isPresent()) {
                    row[3]++;
                    scoreSums.merge(key, score.get(), BigDecimal::add);
                }
            }
        }
        var out = new ArrayList<BandStats.Row>();
        rows.forEach((key, row) -> out.add(new BandStats.Row(key.role(), key.model(), row[0], row[1], row[2], row[3],
                row[3] == 0 ? Optional.empty() : Optional.of(average(scoreSums.get(key), row[3])), spend.get(key))));
        return new BandStats(count, cancelled, scored, scored == 0 ? Optional.empty() : Optional.of(average(scoreSum, scored)),
                out);
    }

    @Override
    public Series verdicts(SeriesQuery query, Caller caller) {
        synchronized (data) {
            return verdictsOf(query, caller);
        }
    }

    private Series verdictsOf(SeriesQuery query, Caller caller) {
        long width = query.bucket().width().toMillis();
        var groups = new TreeMap<String, TreeMap<Instant, List<BigDecimal>>>();
        for (BandRecord band : bands.values()) {
            Optional<BigDecimal> score = score(band);
            if (!visible(band, caller) || score.isEmpty() || band.startedAt().isBefore(query.from())
                    || !band.startedAt().isBefore(query.to())) {
                continue;
            }
            Instant bucket = Instant.ofEpochMilli(Math.floorDiv(band.startedAt().toEpochMilli(), width) * width);
            Set<String> inBand = new TreeSet<>();
            for (BandRecord.Member member : band.members()) {
                inBand.add(switch (query.by()) {
                    case MODEL -> member.model().value();
                    case ROLE -> member.role().wireName();
                    case KEY -> band.apiKey().map(ApiKeyId::value).orElse("(none)");
                    case KIND -> throw new IllegalArgumentException("verdict_score is by model, role or key");
                });
            }
            inBand.forEach(group -> groups.computeIfAbsent(group, g -> new TreeMap<>())
                    .computeIfAbsent(bucket, b -> new ArrayList<>()).add(score.get()));
        }
        var lines = new ArrayList<Series.Line>();
        groups.forEach((group, buckets) -> {
            var points = new ArrayList<Series.Point>();
            buckets.forEach((bucket, scores) -> points.add(new Series.Point(bucket,
                    scores.stream().reduce(BigDecimal.ZERO, BigDecimal::add)
                            .divide(BigDecimal.valueOf(scores.size()), 3, RoundingMode.HALF_UP))));
            lines.add(new Series.Line(group, points));
        });
        return new Series(query, lines);
    }

    private static BigDecimal average(BigDecimal sum, long count) {
        return sum.divide(BigDecimal.valueOf(count), 3, RoundingMode.HALF_EVEN);
    }

    private static boolean visible(BandRecord band, Caller caller) {
        return caller.apiKey().isEmpty() || caller.apiKey().equals(band.apiKey());
    }

    private static Optional<BigDecimal> score(BandRecord band) {
        return band.verdict().flatMap(reading -> reading instanceof Verdict.Reading.Scored scored
                ? Optional.of(scored.verdict().score()) : Optional.empty());
    }

    private static BandView view(BandRecord band) {
        var members = band.members().stream().map(m -> new BandView.Member(m.sessionId().value(),
                m.role().wireName(), m.model().value(), m.outcome().wireName(), m.tokens().value(),
                m.cost(), m.used())).toList();
        Optional<Verdict.Reading> verdict = band.verdict();
        return new BandView(band.bandId().value(), band.apiKey().map(ApiKeyId::value), band.requestId(),
                band.startedAt(), band.endedAt(), band.cancelled(), band.synthesis(), score(band),
                verdict.map(r -> r instanceof Verdict.Reading.Scored s ? s.verdict().flags() : List.<String>of()).orElse(List.of()),
                verdict.flatMap(r -> r instanceof Verdict.Reading.Unreadable u ? Optional.of(u.reason()) : Optional.empty()),
                band.totalTokens().value(), band.totalCost(), members);
    }
}
