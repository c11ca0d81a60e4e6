package dev.vctt.stream.application.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.in.AuthOutcome;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.ManualScheduler;
import dev.vctt.stream.domain.cost.Usd;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A key is looked up once, when a connection authenticates; revocations reach open connections
 * through the background recheck, within its interval, and an outage of the store revokes nothing.
 */
class LiveKeysTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration RECHECK = Duration.ofSeconds(5);

    private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final LiveKeys live = new LiveKeys(store, scheduler, RECHECK);
    private final AuthenticateClientService auth = AuthenticateClientService.withKeys(store, live);

    private Caller authenticated(IssuedKey key) {
        return ((AuthOutcome.Authenticated) auth.authenticate(Optional.of(key.secret()))).caller();
    }

    @Test
    void a_key_revoked_after_its_connection_authenticated_is_known_revoked_after_the_next_recheck() {
        // given
        live.start();
        IssuedKey issued = store.issue("team", Optional.of(Usd.of("1")), T0);
        Caller caller = authenticated(issued);
        IssuedKey other = store.issue("other", Optional.empty(), T0);
        Caller otherCaller = authenticated(other);

        // when
        store.revoke(issued.id(), T0.plusSeconds(1));

        // then: not before the recheck, which is scheduled one interval ahead (the stated bound) ...
        assertThat(live.revoked(caller)).isFalse();
        assertThat(scheduler.delays()).containsExactly(RECHECK);
        scheduler.runAll();
        // ... and from the recheck on, for good; the other key and anonymous callers are untouched
        assertThat(live.revoked(caller)).isTrue();
        assertThat(live.revoked(otherCaller)).isFalse();
        assertThat(live.revoked(Caller.ANONYMOUS)).isFalse();
        assertThat(scheduler.delays()).as("the next recheck is scheduled").containsExactly(RECHECK);
    }

    @Test
    void while_the_store_is_down_no_key_is_revoked_and_the_rechecks_go_on() {
        // given
        live.start();
        IssuedKey issued = store.issue("team", Optional.empty(), T0);
        Caller caller = authenticated(issued);

        // when
        store.unavailable(true);
        scheduler.runAll();
        scheduler.runAll();

        // then
        assertThat(live.revoked(caller)).isFalse();
        assertThat(scheduler.delays()).containsExactly(RECHECK);

        // and once it answers again, a revocation made meanwhile is found at the next recheck
        store.unavailable(false);
        store.revoke(issued.id(), T0.plusSeconds(9));
        scheduler.runAll();
        assertThat(live.revoked(caller)).isTrue();
    }

    @Test
    void a_key_is_looked_up_once_per_authentication_and_never_by_the_recheck() {
        // given
        live.start();
        IssuedKey issued = store.issue("team", Optional.empty(), T0);
        authenticated(issued);

        // when
        for (int i = 0; i < 100; i++) {
            scheduler.runAll();
        }

        // then
        assertThat(store.checks()).isEqualTo(1);
    }

    @Test
    void stopping_ends_the_rechecks() {
        live.start();
        live.stop();

        scheduler.runAll();

        assertThat(scheduler.delays()).isEmpty();
    }
}
