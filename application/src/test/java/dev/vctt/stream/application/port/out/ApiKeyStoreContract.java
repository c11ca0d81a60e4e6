package dev.vctt.stream.application.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.access.ApiKeyView;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.cost.Usd;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every API key store does: a secret checks out until revoked, and is never shown again. */
public abstract class ApiKeyStoreContract {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private ApiKeyStore keys;

    protected abstract ApiKeyStore newStore();

    @BeforeEach
    void create_store() {
        keys = newStore();
    }

    @Test
    void an_issued_secret_identifies_its_key_with_its_budget() {
        IssuedKey issued = keys.issue("team-a", Optional.of(Usd.of("5.00")), NOW);

        Optional<ApiKeyView> checked = keys.check(issued.secret());

        assertThat(checked).hasValueSatisfying(key -> {
            assertThat(key.id()).isEqualTo(issued.id());
            assertThat(key.name()).isEqualTo("team-a");
            assertThat(key.dailyBudget()).contains(Usd.of("5.00"));
            assertThat(key.revokedAt()).isEmpty();
        });
    }

    @Test
    void a_key_keeps_its_own_tool_list_and_a_key_without_one_may_call_no_tool() {
        IssuedKey tooled = keys.issue("tooled", Optional.empty(), java.util.Set.of("echo", "get-sum"), NOW);
        IssuedKey plain = keys.issue("plain", Optional.empty(), NOW);

        assertThat(keys.check(tooled.secret()).orElseThrow().tools()).containsExactlyInAnyOrder("echo", "get-sum");
        assertThat(keys.check(plain.secret()).orElseThrow().tools()).isEmpty();
        assertThat(keys.list()).filteredOn(key -> key.id().equals(tooled.id()))
                .singleElement().satisfies(key -> assertThat(key.tools()).containsExactlyInAnyOrder("echo", "get-sum"));
    }

    @Test
    void a_wrong_or_altered_secret_identifies_nobody() {
        IssuedKey issued = keys.issue("team-b", Optional.empty(), NOW);

        assertThat(keys.check(issued.secret() + "x")).isEmpty();
        assertThat(keys.check("")).isEmpty();
        assertThat(keys.check(issued.id().value())).isEmpty();
    }

    @Test
    void every_key_gets_its_own_secret() {
        IssuedKey one = keys.issue("one", Optional.empty(), NOW);
        IssuedKey two = keys.issue("two", Optional.empty(), NOW);

        assertThat(one.secret()).isNotEqualTo(two.secret());
        assertThat(one.id()).isNotEqualTo(two.id());
        assertThat(keys.check(two.secret()).map(ApiKeyView::id)).contains(two.id());
    }

    @Test
    void a_revoked_key_no_longer_checks_out_and_shows_when_it_was_revoked() {
        IssuedKey issued = keys.issue("team-c", Optional.empty(), NOW);

        assertThat(keys.revoke(issued.id(), NOW.plusSeconds(60))).isTrue();
        assertThat(keys.revoke(issued.id(), NOW.plusSeconds(90))).isFalse();

        assertThat(keys.check(issued.secret())).isEmpty();
        assertThat(keys.list()).filteredOn(key -> key.id().equals(issued.id())).singleElement()
                .satisfies(key -> assertThat(key.revokedAt()).contains(NOW.plusSeconds(60)));
    }

    @Test
    void of_the_keys_asked_about_only_the_issued_and_unrevoked_ones_are_live() {
        IssuedKey kept = keys.issue("kept", Optional.empty(), NOW);
        IssuedKey revoked = keys.issue("revoked", Optional.empty(), NOW);
        IssuedKey notAsked = keys.issue("not-asked", Optional.empty(), NOW);
        keys.revoke(revoked.id(), NOW.plusSeconds(1));

        Set<ApiKeyId> live = keys.live(Set.of(kept.id(), revoked.id(), ApiKeyId.of("key_never_issued")));

        assertThat(live).containsExactly(kept.id()).doesNotContain(notAsked.id());
        assertThat(keys.live(Set.of())).isEmpty();
    }

    @Test
    void listing_never_shows_a_secret() {
        IssuedKey issued = keys.issue("team-d", Optional.empty(), NOW);

        assertThat(keys.list().toString()).doesNotContain(issued.secret());
        assertThat(issued.toString()).doesNotContain(issued.secret());
    }
}
