package dev.vctt.stream.application.port.out;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.BandStats;
import dev.vctt.stream.application.port.BandView;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.domain.band.MemberOutcome;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.Verdict;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every band store does, in memory or in PostgreSQL; stores write in the background, so checks wait. */
public abstract class BandStoreContract<S extends BandStore> {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 11, 22);

    private S store;

    protected abstract S newStore();

    /** The same store as another node sharing it sees it (a node alive, like the store's own). */
    protected abstract BandStore onAnotherNode(S store);

    @BeforeEach
    void create_store() {
        store = newStore();
    }

    private static BandRecord band(Caller caller, Optional<Verdict.Reading> verdict, Instant startedAt, String id) {
        var members = List.of(
                new BandRecord.Member(SessionId.of(id + "-1"), AgentRole.ANALYST, ModelId.of("gpt-4o"),
                        MemberOutcome.COMPLETED, TokenCount.of(30), Usd.of("0.001"), true),
                new BandRecord.Member(SessionId.of(id + "-2"), AgentRole.ETHICS, ModelId.of("claude-sonnet-4-5"),
                        MemberOutcome.FAILED, TokenCount.of(5), Usd.of("0.0002"), false),
                new BandRecord.Member(SessionId.of(id + "-3"), AgentRole.SYNTHESISER, ModelId.of("gpt-4o"),
                        MemberOutcome.COMPLETED, TokenCount.of(50), Usd.of("0.002"), false));
        return new BandRecord(BandId.of(id), caller.apiKey(), Optional.of("r-" + id), startedAt, startedAt.plusSeconds(3),
                false, members, Optional.of("The synthesis \u0000 kept."), verdict, TokenCount.of(85), Usd.of("0.0032"));
    }

    private static Optional<Verdict.Reading> scored(String score, String... flags) {
        return Optional.of(new Verdict.Reading.Scored(new Verdict(new BigDecimal(score), List.of(flags))));
    }

    private static Caller keyed() {
        return Caller.of(ApiKeyId.of("key_" + UUID.randomUUID().toString().substring(0, 8)));
    }

    @Test
    void an_ended_band_is_found_with_its_members_verdict_and_synthesis() {
        // given
        Caller caller = keyed();
        String id = "band-" + UUID.randomUUID();

        // when
        store.ended(band(caller, scored("0.75", "missing_voice"), T0, id));

        // then
        holds(() -> {
            BandView view = store.find(BandId.of(id), caller).orElseThrow();
            assertThat(view.synthesis()).contains("The synthesis \u0000 kept.");
            assertThat(view.verdictScore()).hasValueSatisfying(score -> assertThat(score).isEqualByComparingTo("0.75"));
            assertThat(view.verdictFlags()).containsExactly("missing_voice");
            assertThat(view.verdictError()).isEmpty();
            assertThat(view.requestId()).contains("r-" + id);
            assertThat(view.startedAt()).isEqualTo(T0);
            assertThat(view.totalCost()).isEqualTo(Usd.of("0.0032"));
            assertThat(view.members()).extracting(BandView.Member::agentRole, BandView.Member::outcome, BandView.Member::used)
                    .containsExactly(org.assertj.core.api.Assertions.tuple("analyst", "completed", true),
                            org.assertj.core.api.Assertions.tuple("ethics", "failed", false),
                            org.assertj.core.api.Assertions.tuple("synthesiser", "completed", false));
        });
    }

    @Test
    void another_keys_band_is_not_found_and_an_unreadable_verdict_keeps_its_reason() {
        // given
        Caller owner = keyed();
        String id = "band-" + UUID.randomUUID();

        // when
        store.ended(band(owner, Optional.of(new Verdict.Reading.Unreadable("the verdict has no SCORE line")), T0, id));

        // then
        holds(() -> {
            BandView view = store.find(BandId.of(id), owner).orElseThrow();
            assertThat(view.verdictScore()).isEmpty();
            assertThat(view.verdictError()).contains("the verdict has no SCORE line");
        });
        assertThat(store.find(BandId.of(id), keyed())).isEmpty();
        assertThat(store.find(BandId.of("band-none"), owner)).isEmpty();
    }

    @Test
    void statistics_count_bands_scores_and_used_answers_by_role_and_model_within_the_period() {
        // given two scored bands in the period and one the day before, all of one key
        Caller caller = keyed();
        store.ended(band(caller, scored("0.5"), T0, "band-" + UUID.randomUUID()));
        store.ended(band(caller, scored("1"), T0.plusSeconds(60), "band-" + UUID.randomUUID()));
        store.ended(band(caller, scored("0"), T0.minus(Duration.ofDays(1)), "band-" + UUID.randomUUID()));

        // then
        holds(() -> {
            BandStats stats = store.stats(new StatsQuery(DAY, DAY), caller);
            assertThat(stats.bands()).isEqualTo(2);
            assertThat(stats.scored()).isEqualTo(2);
            assertThat(stats.averageScore()).hasValueSatisfying(avg -> assertThat(avg).isEqualByComparingTo("0.75"));
            BandStats.Row analyst = stats.byRoleAndModel().stream().filter(r -> r.agentRole().equals("analyst")).findFirst()
                    .orElseThrow();
            assertThat(analyst.model()).isEqualTo("gpt-4o");
            assertThat(analyst.members()).isEqualTo(2);
            assertThat(analyst.answered()).isEqualTo(2);
            assertThat(analyst.used()).isEqualTo(2);
            assertThat(analyst.averageScore()).hasValueSatisfying(avg -> assertThat(avg).isEqualByComparingTo("0.75"));
            assertThat(analyst.spend()).isEqualTo(Usd.of("0.002"));
            BandStats.Row ethics = stats.byRoleAndModel().stream().filter(r -> r.agentRole().equals("ethics")).findFirst()
                    .orElseThrow();
            assertThat(ethics.answered()).isZero();
            assertThat(ethics.used()).isZero();
        });
        assertThat(store.stats(new StatsQuery(DAY, DAY), keyed()).bands()).isZero();
    }

    @Test
    void verdict_series_average_the_scored_bands_each_role_and_model_took_part_in_per_bucket() {
        // given three scored bands and an unreadable one in the hour from T0, and one scored the day before
        Caller caller = keyed();
        store.ended(band(caller, scored("0.5"), T0, "band-" + UUID.randomUUID()));
        store.ended(band(caller, scored("1"), T0.plusSeconds(60), "band-" + UUID.randomUUID()));
        store.ended(band(caller, scored("0.1"), T0.plusSeconds(120), "band-" + UUID.randomUUID()));
        store.ended(band(caller, Optional.of(new Verdict.Reading.Unreadable("no score")), T0.plusSeconds(180),
                "band-" + UUID.randomUUID()));
        store.ended(band(caller, scored("0"), T0.minus(Duration.ofDays(1)), "band-" + UUID.randomUUID()));
        Instant from = T0.minus(Duration.ofDays(1));
        Instant to = T0.plusSeconds(3600);

        holds(() -> {
            // when
            Series byModel = store.verdicts(verdicts(SeriesQuery.GroupBy.MODEL, from, to), caller);
            Series byRole = store.verdicts(verdicts(SeriesQuery.GroupBy.ROLE, T0, to), caller);
            Series byKey = store.verdicts(verdicts(SeriesQuery.GroupBy.KEY, T0, to), caller);

            // then the mean is over bands, rounded to three decimals, and the unreadable verdict counts for nothing
            assertThat(byModel.lines()).extracting(Series.Line::group).containsExactly("claude-sonnet-4-5", "gpt-4o");
            assertThat(byModel.lines().get(1).points()).containsExactly(
                    new Series.Point(from, new BigDecimal("0.000")), new Series.Point(T0, new BigDecimal("0.533")));
            assertThat(byRole.lines()).extracting(Series.Line::group).containsExactly("analyst", "ethics", "synthesiser");
            assertThat(byRole.lines()).allSatisfy(line -> assertThat(line.points()).singleElement()
                    .satisfies(point -> assertThat(point.value()).isEqualByComparingTo("0.533")));
            assertThat(byKey.lines()).singleElement().satisfies(line -> assertThat(line.group())
                    .isEqualTo(caller.apiKey().orElseThrow().value()));
        });
        assertThat(store.verdicts(verdicts(SeriesQuery.GroupBy.MODEL, from, to), keyed()).lines()).isEmpty();
    }

    @Test
    void a_running_band_runs_elsewhere_for_the_other_nodes_under_its_key_until_it_ended() {
        // given
        Caller owner = keyed();
        String id = "band-" + UUID.randomUUID();
        BandStore other = onAnotherNode(store);

        // when it starts on this node
        store.started(new RunningBand(BandId.of(id), owner.apiKey(), T0));

        // then another node sees it running, for its key or a caller without one, and this node does not
        holds(() -> assertThat(other.runsElsewhere(BandId.of(id), owner)).isTrue());
        assertThat(other.runsElsewhere(BandId.of(id), Caller.ANONYMOUS)).isTrue();
        assertThat(other.runsElsewhere(BandId.of(id), keyed())).as("another key's").isFalse();
        assertThat(store.runsElsewhere(BandId.of(id), owner)).as("on this node").isFalse();
        assertThat(other.runsElsewhere(BandId.of("band-" + UUID.randomUUID()), owner)).as("unknown").isFalse();

        // and once it ended, nowhere
        store.ended(band(owner, Optional.empty(), T0, id));
        holds(() -> assertThat(other.runsElsewhere(BandId.of(id), owner)).isFalse());
        assertThat(other.find(BandId.of(id), owner)).isPresent();
    }

    private static SeriesQuery verdicts(SeriesQuery.GroupBy by, Instant from, Instant to) {
        return new SeriesQuery(SeriesQuery.Metric.VERDICT_SCORE, by, SeriesQuery.Bucket.HOUR, from, to);
    }
}
