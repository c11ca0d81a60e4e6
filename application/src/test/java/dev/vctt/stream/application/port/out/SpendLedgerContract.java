package dev.vctt.stream.application.port.out;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.testing.TestCatalog;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.cost.BudgetDecision;
import dev.vctt.stream.domain.cost.BudgetScope;
import dev.vctt.stream.domain.cost.Metering;
import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.UsageSource;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every spend ledger does: reservations that never let a budget be passed, however many come
 * at once, and settlements that bill each attempt exactly once and give the reservation back.
 * Budgets are only observed through reservations, so the contract holds for any storage.
 */
public abstract class SpendLedgerContract {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private SpendLedger ledger;
    private ApiKeyId key;
    private LocalDate day;

    protected abstract SpendLedger newLedger();

    @BeforeEach
    void create_ledger() {
        ledger = newLedger();
        key = ApiKeyId.of("key_" + UUID.randomUUID());
        // a day no other test uses, so the global budget starts empty
        day = LocalDate.of(2000, 1, 1).plusDays(Math.floorMod(UUID.randomUUID().getMostSignificantBits(), 300_000));
    }

    private static SessionId newSession() {
        return SessionId.of(UUID.randomUUID().toString());
    }

    private BudgetDecision reserve(SessionId session, String amount, List<BudgetLimit> limits) {
        return ledger.reserve(new Reservation(session, Optional.of(key), day, Usd.of(amount), limits));
    }

    private static List<BudgetLimit> keyLimit(String daily) {
        return List.of(new BudgetLimit(BudgetScope.KEY, Usd.of(daily)));
    }

    private static LedgerEntry entry(int attempt, String cost) {
        return new LedgerEntry(attempt, TestCatalog.GPT_4O, new Metering(TokenUsage.of(10, 10), Usd.of(cost), UsageSource.REPORTED),
                NOW);
    }

    @Test
    void a_reservation_that_fits_is_held_until_settled() {
        assertThat(reserve(newSession(), "0.60", keyLimit("1.00"))).isInstanceOf(BudgetDecision.Allowed.class);

        assertThat(reserve(newSession(), "0.50", keyLimit("1.00")))
                .isEqualTo(new BudgetDecision.Refused(BudgetScope.KEY, Usd.of("0.50"), Usd.of("0.40")));
        assertThat(reserve(newSession(), "0.40", keyLimit("1.00"))).isInstanceOf(BudgetDecision.Allowed.class);
    }

    @Test
    void settling_bills_what_was_spent_and_gives_the_rest_of_the_reservation_back() {
        SessionId session = newSession();
        reserve(session, "0.90", keyLimit("1.00"));

        ledger.settle(new Settlement(session, Optional.of(key), day, List.of(entry(1, "0.10"), entry(2, "0.20"))));

        holds(() -> assertThat(reserve(newSession(), "0.7000000001", keyLimit("1.00")))
                .isEqualTo(new BudgetDecision.Refused(BudgetScope.KEY, Usd.of("0.7000000001"), Usd.of("0.70"))));
        assertThat(reserve(newSession(), "0.70", keyLimit("1.00"))).isInstanceOf(BudgetDecision.Allowed.class);
    }

    @Test
    void an_extension_that_fits_adds_to_the_hold_and_settling_releases_all_of_it() {
        SessionId session = newSession();
        reserve(session, "0.40", keyLimit("1.00"));

        BudgetDecision extended = ledger.extend(new Reservation(session, Optional.of(key), day, Usd.of("0.30"), keyLimit("1.00")));

        assertThat(extended).isInstanceOf(BudgetDecision.Allowed.class);
        assertThat(reserve(newSession(), "0.31", keyLimit("1.00")))
                .isEqualTo(new BudgetDecision.Refused(BudgetScope.KEY, Usd.of("0.31"), Usd.of("0.30")));
        ledger.settle(new Settlement(session, Optional.of(key), day, List.of(entry(1, "0.10"), entry(2, "0.10"))));
        holds(() -> assertThat(reserve(newSession(), "0.81", keyLimit("1.00")))
                .isEqualTo(new BudgetDecision.Refused(BudgetScope.KEY, Usd.of("0.81"), Usd.of("0.80"))));
    }

    @Test
    void an_extension_that_does_not_fit_is_refused_and_changes_nothing() {
        SessionId session = newSession();
        reserve(session, "0.60", keyLimit("1.00"));

        BudgetDecision extended = ledger.extend(new Reservation(session, Optional.of(key), day, Usd.of("0.50"), keyLimit("1.00")));

        assertThat(extended).isEqualTo(new BudgetDecision.Refused(BudgetScope.KEY, Usd.of("0.50"), Usd.of("0.40")));
        assertThat(reserve(newSession(), "0.40", keyLimit("1.00"))).isInstanceOf(BudgetDecision.Allowed.class);
        ledger.settle(new Settlement(session, Optional.of(key), day, List.of()));
        holds(() -> assertThat(reserve(newSession(), "0.61", keyLimit("1.00")))
                .isEqualTo(new BudgetDecision.Refused(BudgetScope.KEY, Usd.of("0.61"), Usd.of("0.60"))));
    }

    @Test
    void settling_twice_bills_once() {
        SessionId session = newSession();
        reserve(session, "0.50", keyLimit("1.00"));
        var settlement = new Settlement(session, Optional.of(key), day, List.of(entry(1, "0.25")));

        ledger.settle(settlement);
        ledger.settle(settlement);

        holds(() -> assertThat(reserve(newSession(), "0.76", keyLimit("1.00")))
                .isEqualTo(new BudgetDecision.Refused(BudgetScope.KEY, Usd.of("0.76"), Usd.of("0.75"))));
    }

    @Test
    void spend_without_a_reservation_still_counts_against_later_ones() {
        ledger.settle(new Settlement(newSession(), Optional.of(key), day, List.of(entry(1, "0.30"))));

        holds(() -> assertThat(reserve(newSession(), "0.71", keyLimit("1.00"))).isInstanceOf(BudgetDecision.Refused.class));
    }

    @Test
    void the_global_budget_binds_every_key_and_the_key_budget_only_its_key() {
        var global = new BudgetLimit(BudgetScope.GLOBAL, Usd.of("1.00"));
        var other = ApiKeyId.of("key_other_" + UUID.randomUUID());
        assertThat(reserve(newSession(), "0.80", List.of(new BudgetLimit(BudgetScope.KEY, Usd.of("5")), global)))
                .isInstanceOf(BudgetDecision.Allowed.class);

        BudgetDecision otherKey = ledger.reserve(new Reservation(newSession(), Optional.of(other), day, Usd.of("0.30"),
                List.of(new BudgetLimit(BudgetScope.KEY, Usd.of("5")), global)));
        BudgetDecision sameKeyTightLimit = reserve(newSession(), "0.10", List.of(new BudgetLimit(BudgetScope.KEY, Usd.of("0.85"))));

        assertThat(otherKey).isEqualTo(new BudgetDecision.Refused(BudgetScope.GLOBAL, Usd.of("0.30"), Usd.of("0.20")));
        assertThat(sameKeyTightLimit).isEqualTo(new BudgetDecision.Refused(BudgetScope.KEY, Usd.of("0.10"), Usd.of("0.05")));
    }

    @Test
    void a_refused_reservation_holds_nothing() {
        reserve(newSession(), "0.90", keyLimit("1.00"));
        reserve(newSession(), "0.50", List.of(new BudgetLimit(BudgetScope.KEY, Usd.of("1.00"))));

        assertThat(reserve(newSession(), "0.10", keyLimit("1.00"))).isInstanceOf(BudgetDecision.Allowed.class);
    }

    @Test
    void concurrent_reservations_never_pass_the_budget_together() throws Exception {
        int requests = 50;
        var start = new CountDownLatch(1);
        var allowed = new AtomicInteger();
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < requests; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (reserve(newSession(), "0.10", keyLimit("2.00")) instanceof BudgetDecision.Allowed) {
                    allowed.incrementAndGet();
                }
            }));
        }

        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(allowed).hasValue(20);
    }
}
