package dev.vctt.stream.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.in.AuthOutcome;
import dev.vctt.stream.application.port.out.BudgetLimit;
import dev.vctt.stream.application.port.out.Reservation;
import dev.vctt.stream.application.port.out.SessionProgress;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.InMemoryStreamLeases;
import dev.vctt.stream.application.testing.InMemorySpendLedger;
import dev.vctt.stream.application.testing.ManualScheduler;
import dev.vctt.stream.application.testing.SteppingClock;
import dev.vctt.stream.application.testing.TestCatalog;
import dev.vctt.stream.application.testing.TestSessions;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.cost.BudgetScope;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessAndRecoveryTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final SteppingClock clock = SteppingClock.fixedAt(T0);

    @Test
    void with_authentication_off_everyone_is_anonymous() {
        assertThat(AuthenticateClientService.open().authenticate(Optional.of("anything")))
                .isEqualTo(new AuthOutcome.Authenticated(Caller.ANONYMOUS));
    }

    @Test
    void with_keys_a_live_key_is_required_and_carries_its_budget() {
        var auth = AuthenticateClientService.withKeys(keys, new LiveKeys(keys, new ManualScheduler(), Duration.ofSeconds(5)));
        IssuedKey issued = new ManageApiKeysService(keys, clock).issue("team", Optional.of(Usd.of("2.50")));

        assertThat(auth.authenticate(Optional.empty())).isEqualTo(new AuthOutcome.Refused("an API key is required"));
        assertThat(auth.authenticate(Optional.of("nope"))).isEqualTo(new AuthOutcome.Refused("unknown or revoked API key"));
        assertThat(auth.authenticate(Optional.of(issued.secret())))
                .isEqualTo(new AuthOutcome.Authenticated(Caller.of(issued.id(), Usd.of("2.50"))));

        new ManageApiKeysService(keys, clock).revoke(issued.id());
        assertThat(auth.authenticate(Optional.of(issued.secret()))).isInstanceOf(AuthOutcome.Refused.class);
    }

    @Test
    void a_key_needs_a_name_and_a_budget_that_is_not_negative() {
        var manage = new ManageApiKeysService(keys, clock);

        assertThatThrownBy(() -> manage.issue(" ", Optional.empty())).hasMessageContaining("name");
        assertThatThrownBy(() -> manage.issue("x", Optional.of(Usd.of("-1")))).hasMessageContaining("negative");
    }

    @Test
    void sessions_left_running_are_marked_interrupted_and_billed_for_what_they_streamed() {
        var sessions = new InMemorySessionStore();
        var ledger = new InMemorySpendLedger();
        SessionId withProgress = SessionId.of("crashed-1");
        SessionId withoutProgress = SessionId.of("crashed-2");
        sessions.opened(TestSessions.opened(withProgress, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
        sessions.opened(TestSessions.opened(withoutProgress, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
        ledger.reserve(new Reservation(withProgress, Optional.empty(), LocalDate.of(2026, 11, 22), Usd.of("0.01"),
                List.of(new BudgetLimit(BudgetScope.GLOBAL, Usd.of("1")))));
        sessions.progressed(List.of(new SessionProgress(withProgress, TestCatalog.GPT_4O, 1, 3, "Partial ans",
                TokenCount.of(20), TokenCount.of(3), Usd.of("0.00008"), Optional.of(T0.plusMillis(100)), T0.plusSeconds(1))));

        int recovered = new RecoverSessionsService(new InMemoryStreamLeases(sessions), ledger, TestCatalog.prices(), clock).recover();

        assertThat(recovered).isEqualTo(2);
        assertThat(sessions.running()).isEmpty();
        SessionView view = sessions.find(withProgress, Caller.ANONYMOUS).orElseThrow();
        assertThat(view.status()).isEqualTo("interrupted");
        assertThat(view.messages().getLast().content()).isEqualTo("Partial ans");
        assertThat(ledger.entriesOf(withProgress)).singleElement()
                .satisfies(entry -> assertThat(entry.metering().cost()).isEqualTo(Usd.of("0.00008")));
        assertThat(ledger.entriesOf(withoutProgress)).singleElement()
                .satisfies(entry -> assertThat(entry.metering().cost()).as("its input, never zero").isEqualTo(Usd.of("0.00005")));
        assertThat(ledger.reservedToday(Optional.empty(), BudgetScope.GLOBAL, LocalDate.of(2026, 11, 22))).isEqualTo(Usd.ZERO);
        assertThat(ledger.spentToday(Optional.empty(), BudgetScope.GLOBAL, LocalDate.of(2026, 11, 22)))
                .isEqualTo(Usd.of("0.00013"));
    }
}
