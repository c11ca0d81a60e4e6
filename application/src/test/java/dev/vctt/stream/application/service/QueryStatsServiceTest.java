package dev.vctt.stream.application.service;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.out.BandRecord;
import dev.vctt.stream.application.port.out.SessionClosed;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemoryBandStore;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.TestSessions;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.MemberOutcome;
import dev.vctt.stream.domain.band.Verdict;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueryStatsServiceTest {

    private static final Instant DAY = Instant.parse("2026-10-05T00:00:00Z");
    private static final Instant NEXT_DAY = DAY.plusSeconds(86_400);

    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final InMemoryBandStore bands = new InMemoryBandStore();
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final QueryStatsService service = new QueryStatsService(sessions, bands, keys);

    private void spend(ApiKeyId key, int sessionsOfKey, Instant at) {
        for (int i = 0; i < sessionsOfKey; i++) {
            SessionId id = SessionId.of(key + "-" + at.getEpochSecond() + "-" + i);
            sessions.opened(TestSessions.opened(id, Caller.of(key), AgentRole.PRIMARY, at));
            sessions.closed(new SessionClosed(TestSessions.completed(id, AgentRole.PRIMARY, at, 100), "Four.",
                    Optional.empty(), Optional.empty()));
        }
    }

    private static SeriesQuery budgetUse(Instant from, Instant to) {
        return new SeriesQuery(SeriesQuery.Metric.BUDGET_USE, SeriesQuery.GroupBy.KEY, SeriesQuery.Bucket.DAY, from, to);
    }

    @Test
    void budget_use_is_each_keys_daily_spend_as_a_percent_of_its_budget_and_leaves_out_keys_without_one() {
        // given a key with a budget of $0.001 that spent 2 × $0.00007 on one day and 1 × on the next, and a key without a budget
        ApiKeyId limited = keys.issue("limited", Optional.of(Usd.of("0.001")), DAY).id();
        ApiKeyId unlimited = keys.issue("unlimited", Optional.empty(), DAY).id();
        spend(limited, 2, DAY.plusSeconds(3600));
        spend(limited, 1, NEXT_DAY.plusSeconds(60));
        spend(unlimited, 3, DAY.plusSeconds(3600));

        holds(() -> {
            // when
            Series use = service.series(Caller.ANONYMOUS, budgetUse(DAY, NEXT_DAY.plusSeconds(86_400)));

            // then
            assertThat(use.lines()).singleElement().satisfies(line -> {
                assertThat(line.group()).isEqualTo(limited.value());
                assertThat(line.points()).containsExactly(new Series.Point(DAY, new BigDecimal("14.00")),
                        new Series.Point(NEXT_DAY, new BigDecimal("7.00")));
            });
        });
    }

    @Test
    void a_key_sees_the_budget_use_of_its_own_sessions_against_its_own_budget() {
        // given
        ApiKeyId alice = keys.issue("alice", Optional.of(Usd.of("0.01")), DAY).id();
        ApiKeyId bob = keys.issue("bob", Optional.of(Usd.of("0.001")), DAY).id();
        spend(alice, 1, DAY.plusSeconds(60));
        spend(bob, 1, DAY.plusSeconds(60));

        holds(() -> {
            // when
            Series use = service.series(Caller.of(alice, Usd.of("0.01")), budgetUse(DAY, NEXT_DAY));

            // then
            assertThat(use.lines()).singleElement().satisfies(line -> {
                assertThat(line.group()).isEqualTo(alice.value());
                assertThat(line.points()).containsExactly(new Series.Point(DAY, new BigDecimal("0.70")));
            });
        });
    }

    @Test
    void verdict_scores_come_from_the_bands() {
        // given
        var member = new BandRecord.Member(SessionId.of("m-1"), AgentRole.VERIFICATION, ModelId.of("gpt-4o"),
                MemberOutcome.COMPLETED, TokenCount.of(10), Usd.of("0.001"), true);
        bands.ended(new BandRecord(BandId.of("band-1"), Optional.empty(), Optional.empty(), DAY.plusSeconds(10),
                DAY.plusSeconds(20), false, List.of(member), Optional.of("synthesis"),
                Optional.of(new Verdict.Reading.Scored(new Verdict(new BigDecimal("0.8"), List.of()))), TokenCount.of(10),
                Usd.of("0.001")));

        // when
        Series scores = service.series(Caller.ANONYMOUS, new SeriesQuery(SeriesQuery.Metric.VERDICT_SCORE,
                SeriesQuery.GroupBy.ROLE, SeriesQuery.Bucket.HOUR, DAY, NEXT_DAY));

        // then
        assertThat(scores.lines()).singleElement().satisfies(line -> {
            assertThat(line.group()).isEqualTo("verification");
            assertThat(line.points()).singleElement().satisfies(point -> assertThat(point.value()).isEqualByComparingTo("0.8"));
        });
    }

    @Test
    void budget_use_is_by_key_and_verdict_scores_are_not_by_error_kind() {
        assertThatThrownBy(() -> new SeriesQuery(SeriesQuery.Metric.BUDGET_USE, SeriesQuery.GroupBy.MODEL,
                SeriesQuery.Bucket.DAY, DAY, NEXT_DAY)).hasMessage("budget_use is by key");
        assertThatThrownBy(() -> new SeriesQuery(SeriesQuery.Metric.VERDICT_SCORE, SeriesQuery.GroupBy.KIND,
                SeriesQuery.Bucket.DAY, DAY, NEXT_DAY)).hasMessage("verdict_score is by model, role or key");
    }
}
