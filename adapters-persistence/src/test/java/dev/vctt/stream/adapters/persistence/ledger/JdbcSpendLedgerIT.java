package dev.vctt.stream.adapters.persistence.ledger;

import static dev.vctt.stream.application.testing.Eventually.becomes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.persistence.Database;
import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.BudgetLimit;
import dev.vctt.stream.application.port.out.Reservation;
import dev.vctt.stream.application.port.out.SpendLedger;
import dev.vctt.stream.application.port.out.SpendLedgerContract;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.cost.BudgetDecision;
import dev.vctt.stream.domain.cost.BudgetScope;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.session.SessionId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcSpendLedgerIT extends SpendLedgerContract {

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    /** Longer than the pool hands a connection out for: a request that waited for one that long failed. */
    private static final Duration ROW_HELD = Duration.ofMillis(2_500);

    @Override
    protected SpendLedger newLedger() {
        return new JdbcSpendLedger(fixture.database.dataSource(), fixture.writer);
    }

    @Test
    void a_burst_against_one_budget_takes_turns_in_the_node_and_every_request_gets_an_answer() throws Exception {
        var settings = fixture.settings;
        try (var database = Database.open(new DatabaseSettings(settings.url(), settings.user(), settings.password(),
                settings.schema(), 2));
             var burst = Executors.newVirtualThreadPerTaskExecutor()) {
            var ledger = new JdbcSpendLedger(database.dataSource(), fixture.writer);
            ApiKeyId key = ApiKeyId.of("key_burst_" + UUID.randomUUID());
            LocalDate day = LocalDate.of(2026, 12, 2);
            List<BudgetLimit> tenDollars = List.of(new BudgetLimit(BudgetScope.KEY, Usd.of("10")));
            assertThat(ledger.reserve(reservation(key, day, tenDollars))).isInstanceOf(BudgetDecision.Allowed.class);

            List<Future<BudgetDecision>> answers = new ArrayList<>();
            try (Connection other = fixture.database.dataSource().getConnection()) {
                // another node's reservation holds the budget row for longer than the pool's timeout
                other.setAutoCommit(false);
                try (var lock = other.prepareStatement("select 1 from budget_days where account = ? for update")) {
                    lock.setString(1, "key:" + key.value());
                    assertThat(lock.executeQuery().next()).isTrue();
                }
                long heldSince = System.nanoTime();
                for (int i = 0; i < 30; i++) {
                    answers.add(burst.submit(() -> ledger.reserve(reservation(key, day, tenDollars))));
                }
                becomes(() -> waitingOnALock(other) >= 1);
                becomes(() -> System.nanoTime() - heldSince > ROW_HELD.toNanos());
                other.rollback();
            }

            int allowed = 0;
            for (Future<BudgetDecision> answer : answers) {
                // a StoreUnavailable here (the pool's timeout) is what the turns are there to prevent
                if (answer.get() instanceof BudgetDecision.Allowed) {
                    allowed++;
                }
            }
            assertThat(allowed).as("nine more dollars, one each").isEqualTo(9);
        }
    }

    private static Reservation reservation(ApiKeyId key, LocalDate day, List<BudgetLimit> limits) {
        return new Reservation(SessionId.of(UUID.randomUUID().toString()), Optional.of(key), day, Usd.of("1"), limits);
    }

    private static int waitingOnALock(Connection connection) {
        try (var query = connection.prepareStatement("select count(*) from pg_locks where not granted");
             var rows = query.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
