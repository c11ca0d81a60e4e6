package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.ApiKeyStore;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.ApiKeyView;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.cost.Usd;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * API keys in memory. A fake: it keeps secrets as they are, where the real store keeps hashes. A
 * test can count the secrets looked up ({@link #checks()}) and take the store down
 * ({@link #unavailable(boolean)}): every call then throws {@link StoreUnavailable}, as the real one
 * does while its database is down.
 */
public final class InMemoryApiKeyStore implements ApiKeyStore {

    private final Map<String, ApiKeyView> bySecret = new LinkedHashMap<>();
    private int issued;
    private int checks;
    private boolean unavailable;

    /** How many times a secret has been looked up. */
    public synchronized int checks() {
        return checks;
    }

    public synchronized void unavailable(boolean down) {
        unavailable = down;
    }

    private void reachable() {
        if (unavailable) {
            throw new StoreUnavailable("the API key store is down (test)");
        }
    }

    @Override
    public synchronized IssuedKey issue(String name, Optional<Usd> dailyBudget, Set<String> tools, Instant at) {
        reachable();
        issued++;
        var id = ApiKeyId.of("key_" + issued);
        String secret = "vctt_test_secret_" + issued;
        bySecret.put(secret, new ApiKeyView(id, name, dailyBudget, at, Optional.empty(), tools));
        return new IssuedKey(id, secret);
    }

    @Override
    public synchronized Optional<ApiKeyView> check(String secret) {
        checks++;
        reachable();
        return Optional.ofNullable(bySecret.get(secret)).filter(key -> key.revokedAt().isEmpty());
    }

    @Override
    public synchronized Set<ApiKeyId> live(Set<ApiKeyId> ids) {
        reachable();
        return bySecret.values().stream().filter(key -> key.revokedAt().isEmpty()).map(ApiKeyView::id)
                .filter(ids::contains).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public synchronized boolean revoke(ApiKeyId id, Instant at) {
        reachable();
        for (Map.Entry<String, ApiKeyView> entry : bySecret.entrySet()) {
            ApiKeyView key = entry.getValue();
            if (key.id().equals(id) && key.revokedAt().isEmpty()) {
                entry.setValue(new ApiKeyView(key.id(), key.name(), key.dailyBudget(), key.createdAt(), Optional.of(at), key.tools()));
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized List<ApiKeyView> list() {
        return List.copyOf(bySecret.values());
    }
}
