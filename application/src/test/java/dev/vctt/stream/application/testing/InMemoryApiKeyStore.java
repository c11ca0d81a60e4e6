package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.ApiKeyStore;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.ApiKeyView;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.cost.Usd;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** API keys in memory. A fake: it keeps secrets as they are, where the real store keeps hashes. */
public final class InMemoryApiKeyStore implements ApiKeyStore {

    private final Map<String, ApiKeyView> bySecret = new LinkedHashMap<>();
    private int issued;

    @Override
    public synchronized IssuedKey issue(String name, Optional<Usd> dailyBudget, Instant at) {
        issued++;
        var id = ApiKeyId.of("key_" + issued);
        String secret = "vctt_test_secret_" + issued;
        bySecret.put(secret, new ApiKeyView(id, name, dailyBudget, at, Optional.empty()));
        return new IssuedKey(id, secret);
    }

    @Override
    public synchronized Optional<ApiKeyView> check(String secret) {
        return Optional.ofNullable(bySecret.get(secret)).filter(key -> key.revokedAt().isEmpty());
    }

    @Override
    public synchronized boolean revoke(ApiKeyId id, Instant at) {
        for (Map.Entry<String, ApiKeyView> entry : bySecret.entrySet()) {
            ApiKeyView key = entry.getValue();
            if (key.id().equals(id) && key.revokedAt().isEmpty()) {
                entry.setValue(new ApiKeyView(key.id(), key.name(), key.dailyBudget(), key.createdAt(), Optional.of(at)));
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
